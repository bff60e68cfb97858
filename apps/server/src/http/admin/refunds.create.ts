import { Type } from "typebox";
import { requestConsoleRefund } from "../../app/admin/console-refunds.ts";
import { idempotencyErrorFormatter, REPLAYED_HEADER, sendWrite } from "../merchant/idempotency.ts";
import { RefundsCreateBody, RefundViewSchema } from "../merchant/refund-schemas.ts";
import { OrderIdParams } from "../merchant/schemas.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { orderOfOperator } from "./plugin.ts";
import { RefundApprovalSchema } from "./refund-approval-schemas.ts";
import { ADMIN_CHANGE, AdminIdempotencyHeaders } from "./schemas.ts";

export const ConsoleRefundAnswerSchema = Type.Object({
  outcome: Type.Union([Type.Literal("refund"), Type.Literal("approval")], {
    description:
      "`refund`: made and sent to WeChat Pay; `approval`: above the threshold, waits for a second operator",
  }),
  refund: Type.Union([RefundViewSchema, Type.Null()]),
  approval: Type.Union([RefundApprovalSchema, Type.Null()]),
});

/**
 * POST /admin/v1/orders/:orderId/refunds: an operator refunds part or all of a paid order,
 * through the merchant API's refund path; above KASSA_REFUND_APPROVAL_ABOVE_FEN it waits for
 * a second operator (202), support only up to KASSA_SUPPORT_REFUND_MAX_FEN.
 */
export function registerAdminRefundsCreate(app: KassaApp, context: AdminContext): void {
  app.post(
    "/admin/v1/orders/:orderId/refunds",
    {
      config: { permission: "refunds.request" },
      schema: {
        summary: "Refund part or all of a paid order (or ask a second operator to approve it)",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: OrderIdParams,
        headers: AdminIdempotencyHeaders,
        body: RefundsCreateBody,
        response: {
          201: { ...ConsoleRefundAnswerSchema, description: "The refund, made", headers: REPLAYED_HEADER },
          202: {
            ...ConsoleRefundAnswerSchema,
            description: "Above the threshold: an approval, waiting for a second operator",
            headers: REPLAYED_HEADER,
          },
          ...errorResponses([
            ...ANY_REQUEST,
            ...JSON_BODY,
            ...ADMIN_CHANGE,
            "IDEMPOTENCY_KEY_INVALID",
            "IDEMPOTENCY_KEY_REUSED",
            "IDEMPOTENCY_KEY_IN_PROGRESS",
            "ADMIN_REFUND_ABOVE_ROLE_LIMIT",
            "ORDER_NOT_FOUND",
            "ORDER_NOT_REFUNDABLE",
            "REFUND_AMOUNT_TOO_LARGE",
          ]),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const order = await orderOfOperator(context, request.operator, request.params.orderId);
      const body = request.body;
      const answer = await requestConsoleRefund(
        context.deps,
        { operator: request.operator, address: request.ip },
        {
          appId: order.appId,
          idempotencyKey: request.headers["idempotency-key"],
          method: request.method,
          path: request.url.split("?")[0] ?? request.url,
          body,
        },
        {
          appId: order.appId,
          orderId: order.id,
          amountFen: body.amountFen,
          reason: body.reason,
          returnStock: body.returnStock ?? false,
        },
      );
      return sendWrite(reply, answer);
    },
  );
}
