import { Type } from "typebox";
import { listAudit } from "../../db/audit-repo.ts";
import { limitAsNumber, PageLimit } from "../merchant/schemas.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { ADMIN_SESSION } from "./schemas.ts";

const AuditEntrySchema = Type.Object({
  seq: Type.Integer(),
  operatorId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  objectType: Type.String(),
  objectId: Type.String(),
  appId: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown(),
  after: Type.Unknown(),
  address: Type.Union([Type.String(), Type.Null()]),
  at: Type.String(),
  hash: Type.String(),
});

const Query = Type.Object(
  {
    limit: PageLimit,
    before: Type.Optional(Type.Integer({ minimum: 1, description: "The last seq of the previous page" })),
  },
  { additionalProperties: false },
);

/** GET /admin/v1/audit: every operator action, newest first (hash-chained: docs/console.md). */
export function registerAdminAuditList(app: KassaApp, context: AdminContext): void {
  app.get(
    "/admin/v1/audit",
    {
      config: { permission: "audit.read" },
      schema: {
        summary: "Read the audit log",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        querystring: Query,
        response: {
          200: Type.Object({ data: Type.Array(AuditEntrySchema) }),
          ...errorResponses([...ANY_REQUEST, ...ADMIN_SESSION]),
        },
      },
      preValidation: [limitAsNumber, beforeAsNumber],
    },
    async (request) => {
      const rows = await listAudit(context.deps.db, {
        before: request.query.before,
        limit: request.query.limit ?? 50,
        appIds: request.operator.appIds,
      });
      const json = (text: string | null) => (text === null ? null : (JSON.parse(text) as unknown));
      return {
        data: rows.map((row) => ({
          seq: Number(row.seq),
          operatorId: row.operator_id,
          action: row.action,
          objectType: row.object_type,
          objectId: row.object_id,
          appId: row.app_id,
          before: json(row.before),
          after: json(row.after),
          address: row.address,
          at: new Date(row.at).toISOString(),
          hash: row.hash,
        })),
      };
    },
  );
}

/** Query strings are text; `before` is a whole number (no coercion elsewhere, so here). */
async function beforeAsNumber(request: { query: unknown }): Promise<void> {
  const query = request.query as Record<string, unknown>;
  if (typeof query.before === "string" && /^\d{1,15}$/.test(query.before))
    query.before = Number(query.before);
}
