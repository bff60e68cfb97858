import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { registerRefundDecision } from "./refund-decision.ts";

/** POST /merchant/v1/refunds/:refundId/retry (no body; register it in a takesNoBody scope). */
export function registerRefundsRetry(app: KassaApp, context: MerchantContext): void {
  registerRefundDecision(app, context, {
    decision: "retry",
    path: "/merchant/v1/refunds/:refundId/retry",
    summary: "Follow an ABNORMAL refund at WeChat Pay again",
    description:
      "Takes no body. For an ABNORMAL refund whose cause was fixed at WeChat Pay (the merchant platform's abnormal-refund page, §5.6): it is PROCESSING again, and Kassa queries WeChat Pay at once and on its schedule until the final word. If WeChat Pay still says ABNORMAL, it is ABNORMAL again, with a new alert.",
  });
}
