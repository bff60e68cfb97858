import { Type } from "typebox";
import { listOperators } from "../../db/operators-repo.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { ADMIN_SESSION, OperatorSchema, viewOperator } from "./schemas.ts";

/** GET /admin/v1/operators: who can log in to the console. */
export function registerAdminOperatorsList(app: KassaApp, context: AdminContext): void {
  app.get(
    "/admin/v1/operators",
    {
      config: { permission: "operators.read" },
      schema: {
        summary: "List operators",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        response: {
          200: Type.Object({ data: Type.Array(OperatorSchema) }),
          ...errorResponses([...ANY_REQUEST, ...ADMIN_SESSION]),
        },
      },
    },
    async () => ({ data: (await listOperators(context.deps.db)).map(viewOperator) }),
  );
}
