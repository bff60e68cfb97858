import type { RefundSnapshot } from "../domain/events.ts";
import { formatYuan } from "../domain/money.ts";
import type { Refund } from "../domain/refund.ts";

/** What the merchant API shows of a refund, and what refund events carry (domain/events.ts). */
export type RefundView = RefundSnapshot;

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function viewRefund(refund: Refund): RefundView {
  return {
    id: refund.id,
    orderId: refund.orderId,
    paymentId: refund.paymentId,
    outRefundNo: refund.outRefundNo,
    status: refund.status,
    amountFen: refund.amountFen,
    amountYuan: formatYuan(refund.amountFen),
    reason: refund.reason,
    returnStock: refund.returnStock,
    settledOffline: refund.settledOffline,
    channelRefundId: refund.channelRefundId,
    lastError: refund.lastError,
    createdAt: new Date(refund.createdAt).toISOString(),
    succeededAt: iso(refund.succeededAt),
    closedAt: iso(refund.closedAt),
  };
}
