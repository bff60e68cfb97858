import { requestRefund } from "../../app/request-refund.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import {
  IdempotencyHeaders,
  idempotencyErrorFormatter,
  REPLAYED_HEADER,
  sendWrite,
  writeOf,
} from "./idempotency.ts";
import { RefundsCreateBody, RefundViewSchema } from "./refund-schemas.ts";
import { MERCHANT_WRITE } from "./route-errors.ts";
import { OrderIdParams } from "./schemas.ts";

/** POST /merchant/v1/orders/:orderId/refunds: refund part or all of a paid order (docs/refunds.md). */
export function registerRefundsCreate(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/orders/:orderId/refunds",
    {
      schema: {
        summary: "Refund part or all of a paid order",
        description:
          "Kassa reserves the amount (all refunds of an order never exceed what it was paid, the database refuses more), asks WeChat Pay under an out_refund_no it assigns once, and answers the refund: usually PROCESSING, then SUCCESS by WeChat Pay's notification or Kassa's own query. If WeChat Pay's answer is lost, the refund stays PROCESSING and Kassa finds out; it never makes a second refund. A refund WeChat Pay refuses is answered CLOSED with `lastError`. A replay of the Idempotency-Key answers the refund as first recorded; GET it for its state now.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: OrderIdParams,
        headers: IdempotencyHeaders,
        body: RefundsCreateBody,
        response: {
          201: { ...RefundViewSchema, description: "The refund", headers: REPLAYED_HEADER },
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...MERCHANT_WRITE,
              "ORDER_NOT_FOUND",
              "ORDER_NOT_REFUNDABLE",
              "REFUND_AMOUNT_TOO_LARGE",
            ],
            {
              ORDER_NOT_REFUNDABLE: { status: "PENDING" },
              REFUND_AMOUNT_TOO_LARGE: { refundableFen: 600 },
            },
          ),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const body = request.body;
      const answer = await requestRefund(context.deps, writeOf(request), {
        appId: request.merchant.appId,
        orderId: request.params.orderId,
        amountFen: body.amountFen,
        reason: body.reason,
        returnStock: body.returnStock ?? false,
      });
      return sendWrite(reply, answer);
    },
  );
}
