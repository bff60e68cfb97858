import { idempotentWrite } from "../../app/merchant/idempotent-write.ts";
import { decideAbnormalRefund } from "../../app/merchant/refunds.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import {
  IdempotencyHeaders,
  idempotencyErrorFormatter,
  REPLAYED_HEADER,
  sendWrite,
  writeOf,
} from "./idempotency.ts";
import { RefundIdParams, RefundViewSchema } from "./refund-schemas.ts";
import { MERCHANT_WRITE } from "./route-errors.ts";

export interface RefundDecisionRoute {
  decision: "retry" | "settle_offline";
  path: string;
  summary: string;
  description: string;
}

/**
 * The two operator decisions on an ABNORMAL refund (refunds.retry.ts, refunds.settle-offline.ts):
 * the same shape, idempotent write and answer; only the path, the words and the decision
 * differ. No body: register them in a takesNoBody scope.
 */
export function registerRefundDecision(
  app: KassaApp,
  context: MerchantContext,
  route: RefundDecisionRoute,
): void {
  app.post(
    route.path,
    {
      schema: {
        summary: route.summary,
        description: route.description,
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: RefundIdParams,
        headers: IdempotencyHeaders,
        response: {
          200: {
            ...RefundViewSchema,
            description: "The refund after the decision",
            headers: REPLAYED_HEADER,
          },
          ...errorResponses(
            [...ANY_REQUEST, ...JSON_BODY, ...MERCHANT_WRITE, "REFUND_NOT_FOUND", "REFUND_NOT_ABNORMAL"],
            { ...BODY_REFUSED, REFUND_NOT_ABNORMAL: { status: "SUCCESS" } },
          ),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 200,
        body: await decideAbnormalRefund(context.deps, trx, {
          appId: request.merchant.appId,
          refundId: request.params.refundId,
          decision: route.decision,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );
}
