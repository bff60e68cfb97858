import type { ChannelRefund } from "../channels/payment-channel.ts";
import { recordNotification } from "../db/events-repo.ts";
import { findPaymentByOutTradeNo } from "../db/payments-repo.ts";
import { findRefundById, findRefundByOutRefundNo, noteChannelAnswer } from "../db/refunds-repo.ts";
import { inTransaction } from "../db/transaction.ts";
import { isExternalChannel } from "../domain/payment.ts";
import { type Refund, refundEventOf } from "../domain/refund.ts";
import { raiseAlert } from "./alerting/raise-alert.ts";
import type { AppDeps } from "./deps.ts";
import { moveRefundAndBook } from "./refund-moves.ts";

/** Where the channel's word about a refund came from. */
export type RefundSource =
  /**
   * `appId`: the app whose notify URL it came to, whose merchant's keys verified it (§4.4);
   * `merchantId`: the mchid the notification names, which must be that app's.
   */
  | {
      kind: "notification";
      appId: string;
      notificationId: string;
      eventType: string;
      merchantId?: string | undefined;
    }
  | { kind: "answer" }
  | { kind: "query" };

export type RefundApplyOutcome =
  | "applied"
  | "still_processing"
  | "already_applied"
  | "duplicate_notification"
  | "unknown_refund"
  | "mismatch_refused";

/**
 * Apply what the channel says of a refund (a §4.4 notification, the create call's answer, or
 * a §5.5 query), exactly once: the refund must be ours and match (its payment's out_trade_no,
 * its amount, the app whose notify URL was called), else nothing changes and an alert is
 * raised; then, in one transaction, the notification id is recorded (a second delivery stops
 * there) and the refund moves by compare-and-set, with everything its new state brings
 * (refund-moves.ts). A word that the table does not take from the refund's status (a late
 * PROCESSING, a duplicate SUCCESS) changes nothing.
 */
export async function applyRefundState(
  deps: AppDeps,
  reported: ChannelRefund,
  source: RefundSource,
): Promise<RefundApplyOutcome> {
  const refund = await findRefundByOutRefundNo(deps.db, reported.outRefundNo);
  // A refund made outside Kassa (on the merchant platform): verified, nothing of Kassa's to move.
  if (!refund) return "unknown_refund";
  if (await mismatched(deps, refund, reported, source)) return "mismatch_refused";
  const event = refundEventOf(reported.status);
  if (!event) {
    if (refund.channelRefundId === null)
      await noteChannelAnswer(deps.db, {
        refundId: refund.id,
        channelRefundId: reported.refundId,
        now: deps.clock.now(),
      });
    return "still_processing";
  }
  return inTransaction(deps.db, async (trx) => {
    if (source.kind === "notification") {
      const first = await recordNotification(trx, {
        notificationId: source.notificationId,
        channel: refund.channel,
        eventType: source.eventType,
        outTradeNo: reported.outTradeNo,
        outcome: "received",
        now: deps.clock.now(),
      });
      if (!first) return "duplicate_notification";
    }
    const current = await findRefundById(trx, refund.id);
    if (!current) return "already_applied";
    if (current.settledOffline && event === "channel_succeeded") {
      // Paid back offline by the merchant and now by WeChat Pay too: the payer has it twice.
      await raiseAlert(deps, trx, {
        kind: "refund_paid_twice",
        subjectId: current.orderId,
        appId: current.appId,
        detail: { refundId: current.id, outRefundNo: current.outRefundNo, amountFen: current.amountFen },
      });
    }
    const moved = await moveRefundAndBook(deps, trx, {
      refund: current,
      event,
      channelRefundId: reported.refundId,
    });
    return moved ? "applied" : "already_applied";
  });
}

/** The reported refund must be this refund, of its payment, for its amount, told to its app. */
async function mismatched(
  deps: AppDeps,
  refund: Refund,
  reported: ChannelRefund,
  source: RefundSource,
): Promise<boolean> {
  const payment = await findPaymentByOutTradeNo(deps.db, reported.outTradeNo);
  const wrongApp =
    source.kind === "notification" &&
    (source.appId !== refund.appId ||
      (source.merchantId !== undefined &&
        (!isExternalChannel(refund.channel) ||
          source.merchantId !== deps.apps.account(refund.appId, refund.channel).merchantId)));
  if (payment?.id === refund.paymentId && reported.amountFen === refund.amountFen && !wrongApp) return false;
  await raiseAlert(deps, deps.db, {
    kind: "refund_mismatch",
    subjectId: refund.orderId,
    appId: refund.appId,
    detail: {
      refundId: refund.id,
      source: source.kind,
      expectedFen: refund.amountFen,
      reported: { outTradeNo: reported.outTradeNo, amountFen: reported.amountFen, status: reported.status },
    },
  });
  return true;
}
