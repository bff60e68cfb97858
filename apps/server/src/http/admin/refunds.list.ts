import { Type } from "typebox";
import { viewApproval } from "../../app/admin/console-refunds.ts";
import { decodeCursor, pageOfRows } from "../../app/page-cursor.ts";
import { viewRefund } from "../../app/refund-view.ts";
import { listRefundApprovals } from "../../db/refund-approvals-repo.ts";
import { listRefundsOfApp } from "../../db/refunds-repo.ts";
import { idPattern } from "../../domain/ids.ts";
import { REFUND_STATUSES } from "../../domain/refund.ts";
import { REFUND_APPROVAL_STATUSES } from "../../domain/refund-approval.ts";
import { REFUND_EXAMPLE, RefundViewSchema } from "../merchant/refund-schemas.ts";
import { limitAsNumber, PageCursor, PageLimit } from "../merchant/schemas.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { appOfRequest } from "./plugin.ts";
import { RefundApprovalSchema } from "./refund-approval-schemas.ts";
import { ADMIN_SESSION, AppQuery } from "./schemas.ts";

const NextCursor = Type.Union([Type.String(), Type.Null()], {
  description: "Send it as `cursor` for the next page; null on the last page",
});
/** The merchant API's refund, and the channel it goes back through (the console's refunds list). */
const AdminRefundSchema = Type.Object(
  {
    ...RefundViewSchema.properties,
    channel: Type.String({ description: "The paid payment's channel: `wechatpay`, `alipay` or `wallet`" }),
  },
  { examples: [{ ...REFUND_EXAMPLE, channel: "wechatpay" }] },
);
const LIST_ERRORS = [...ANY_REQUEST, ...ADMIN_SESSION, "APP_NOT_FOUND", "REQUEST_INVALID"] as const;

/** GET /admin/v1/refunds and /admin/v1/refund-approvals: an app's, newest first, paged on the server. */
export function registerAdminRefundsList(app: KassaApp, context: AdminContext): void {
  app.get(
    "/admin/v1/refunds",
    {
      config: { permission: "refunds.read" },
      schema: {
        summary: "List an app's refunds",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        querystring: Type.Object(
          {
            app: AppQuery,
            limit: PageLimit,
            cursor: PageCursor,
            status: Type.Optional(Type.Union(REFUND_STATUSES.map((status) => Type.Literal(status)))),
            orderId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ data: Type.Array(AdminRefundSchema), nextCursor: NextCursor }),
          ...errorResponses([...LIST_ERRORS]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) => {
      const query = request.query;
      const appId = appOfRequest(context, request.operator, query.app);
      const limit = query.limit ?? 20;
      const rows = await listRefundsOfApp(context.deps.db, {
        appId,
        status: query.status,
        orderId: query.orderId,
        before: query.cursor === undefined ? undefined : decodeCursor(query.cursor, idPattern("refund")),
        limit: limit + 1,
      });
      const { page, nextCursor } = pageOfRows(rows, limit, (row) => ({
        createdAt: row.createdAt,
        id: row.id,
      }));
      return {
        data: page.map((refund) => ({ ...viewRefund(refund), channel: refund.channel })),
        nextCursor,
      };
    },
  );
  app.get(
    "/admin/v1/refund-approvals",
    {
      config: { permission: "refunds.read" },
      schema: {
        summary: "List an app's refund approvals (maker-checker)",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        querystring: Type.Object(
          {
            app: AppQuery,
            limit: PageLimit,
            cursor: PageCursor,
            status: Type.Optional(Type.Union(REFUND_APPROVAL_STATUSES.map((status) => Type.Literal(status)))),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ data: Type.Array(RefundApprovalSchema), nextCursor: NextCursor }),
          ...errorResponses([...LIST_ERRORS]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) => {
      const query = request.query;
      const appId = appOfRequest(context, request.operator, query.app);
      const limit = query.limit ?? 20;
      const rows = await listRefundApprovals(context.deps.db, {
        appId,
        status: query.status,
        before:
          query.cursor === undefined ? undefined : decodeCursor(query.cursor, idPattern("refundApproval")),
        limit: limit + 1,
      });
      const { page, nextCursor } = pageOfRows(rows, limit, (row) => ({
        createdAt: row.requested_at,
        id: row.id,
      }));
      return {
        data: page.map(viewApproval),
        nextCursor,
      };
    },
  );
}
