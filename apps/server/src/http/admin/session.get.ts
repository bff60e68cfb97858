import { Type } from "typebox";
import { ADMIN_COOKIE, csrfTokenOf } from "../../app/admin/operator-session.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { ADMIN_SESSION, viewOperator } from "./schemas.ts";
import { AdminSessionSchema } from "./session.create.ts";

/** GET /admin/v1/session: who is logged in, and the CSRF token again (after a reload). */
export function registerAdminSessionGet(app: KassaApp, _context: AdminContext): void {
  app.get(
    "/admin/v1/session",
    {
      config: { permission: "session.read" },
      schema: {
        summary: "The logged-in operator and the CSRF token",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        response: {
          200: Type.Omit(AdminSessionSchema, ["expiresAt"]),
          ...errorResponses([...ANY_REQUEST, ...ADMIN_SESSION]),
        },
      },
    },
    async (request) => ({
      operator: viewOperator(request.operator),
      csrfToken: csrfTokenOf(request.cookies[ADMIN_COOKIE] as string),
    }),
  );
}
