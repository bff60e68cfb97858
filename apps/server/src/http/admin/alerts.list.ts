import { Type } from "typebox";
import { decodeCursor, pageOfRows } from "../../app/page-cursor.ts";
import { listAlerts } from "../../db/admin-repo.ts";
import { ALERT_STATUSES, type AlertStatus } from "../../domain/alert.ts";
import { idPattern } from "../../domain/ids.ts";
import { limitAsNumber, PageCursor, PageLimit } from "../merchant/schemas.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { ADMIN_SESSION } from "./schemas.ts";

export const AlertSchema = Type.Object({
  id: Type.String(),
  kind: Type.String({
    description: "What happened, e.g. paid_after_close, amount_mismatch, operator_locked_out",
  }),
  subjectId: Type.String({ description: "What it is about: an order, an out_trade_no, an operator" }),
  appId: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
  createdAt: Type.String(),
  status: Type.String({
    enum: [...ALERT_STATUSES],
    description: "open, acknowledged (an operator is on it), resolved (dealt with: resolutionNote says how)",
  }),
  /** Raised again while live: counted here, not as new alerts. */
  repeatCount: Type.Integer({ minimum: 1, description: "How many times it was raised while live" }),
  lastSeenAt: Type.String({ description: "When it was last raised" }),
  acknowledgedAt: Type.Union([Type.String(), Type.Null()]),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()], { description: "The acknowledgement's note" }),
  resolvedAt: Type.Union([Type.String(), Type.Null()]),
  resolvedBy: Type.Union([Type.String(), Type.Null()], {
    description:
      "The operator's id; `kassa:reconciliation` when a re-run of the day found the difference behind it gone",
  }),
  resolutionNote: Type.Union([Type.String(), Type.Null()]),
});

const AlertsQuery = Type.Object(
  {
    limit: PageLimit,
    cursor: PageCursor,
    open: Type.Optional(
      Type.Union([Type.Literal("true"), Type.Literal("false")], {
        description: "Only open alerts (or only those no longer open)",
      }),
    ),
    status: Type.Optional(
      Type.String({ enum: [...ALERT_STATUSES], description: "Only alerts in this state" }),
    ),
  },
  { additionalProperties: false },
);

const ALERT_ID = idPattern("alert");

/** GET /admin/v1/alerts: what needs an operator, newest first, in the apps the operator sees. */
export function registerAdminAlertsList(app: KassaApp, context: AdminContext): void {
  app.get(
    "/admin/v1/alerts",
    {
      config: { permission: "alerts.read" },
      schema: {
        summary: "List alerts",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        querystring: AlertsQuery,
        response: {
          200: Type.Object({
            data: Type.Array(AlertSchema),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses([...ANY_REQUEST, ...ADMIN_SESSION]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) => {
      const limit = request.query.limit ?? 20;
      const before =
        request.query.cursor === undefined ? undefined : decodeCursor(request.query.cursor, ALERT_ID);
      const rows = await listAlerts(context.deps.db, {
        appIds: request.operator.appIds,
        open: request.query.open === undefined ? undefined : request.query.open === "true",
        // The schema's enum let only these through.
        status: request.query.status as AlertStatus | undefined,
        before,
        limit: limit + 1,
      });
      const { page, nextCursor } = pageOfRows(rows, limit, (row) => ({
        createdAt: row.created_at,
        id: row.id,
      }));
      return {
        data: page.map(viewAlert),
        nextCursor,
      };
    },
  );
}

export function viewAlert(row: Awaited<ReturnType<typeof listAlerts>>[number]) {
  const time = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: row.id,
    kind: row.kind,
    subjectId: row.subject_id,
    appId: row.app_id,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    createdAt: new Date(row.created_at).toISOString(),
    status: row.status,
    repeatCount: row.repeat_count,
    lastSeenAt: new Date(row.last_seen_at ?? row.created_at).toISOString(),
    acknowledgedAt: time(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    note: row.note,
    resolvedAt: time(row.resolved_at),
    resolvedBy: row.resolved_by,
    resolutionNote: row.resolution_note,
  };
}
