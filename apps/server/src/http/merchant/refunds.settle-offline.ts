import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { registerRefundDecision } from "./refund-decision.ts";

/** POST /merchant/v1/refunds/:refundId/settle-offline (no body; register it in a takesNoBody scope). */
export function registerRefundsSettleOffline(app: KassaApp, context: MerchantContext): void {
  registerRefundDecision(app, context, {
    decision: "settle_offline",
    path: "/merchant/v1/refunds/:refundId/settle-offline",
    summary: "Mark an ABNORMAL refund as paid back by other means",
    description:
      "Takes no body. The merchant paid the payer back outside Kassa (a bank transfer, cash): the refund is SUCCESS with `settledOffline: true`, booked in the ledger like any refund, and its stock returned when it asked for that.",
  });
}
