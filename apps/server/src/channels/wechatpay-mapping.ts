import type {
  Refund,
  RefundNotificationResource,
  Transaction,
  WechatPayNotification,
} from "@kassa/wechatpay";
import { toFen } from "../domain/money.ts";
import { ChannelError } from "./channel-error.ts";
import type {
  ChannelEvent,
  ChannelOrderState,
  ChannelPayment,
  ChannelRefund,
  ChannelRefundStatus,
} from "./payment-channel.ts";

/** WeChat Pay's vocabulary into the port's, and nothing else. `now` stands in for a missing time. */

/** §5.2: a JSAPI order moves NOTPAY → SUCCESS → (REFUND), or NOTPAY → CLOSED. */
export function stateOf(transaction: Transaction, now: number): ChannelOrderState {
  switch (transaction.trade_state) {
    case "SUCCESS":
    case "REFUND": // paid, then (partly) refunded: still paid (§5.2 "转入退款")
      return { state: "paid", payment: paymentOf(transaction, now) };
    case "NOTPAY":
    case "USERPAYING":
      return { state: "unpaid" };
    case "CLOSED":
    case "REVOKED":
      return { state: "closed" };
    // "支付失败" (§5.2): micropay's word, but any query answer may carry it. Not payable, and
    // a failed payment for the risk rules (app/risk/channel-failures.ts).
    case "PAYERROR":
      return { state: "closed", failed: true };
  }
}

export function paymentOf(transaction: Transaction, now: number): ChannelPayment {
  if (!transaction.transaction_id || !transaction.amount) {
    throw new ChannelError(
      "outcome_unknown",
      `paid transaction ${transaction.out_trade_no} lacks transaction_id or amount`,
    );
  }
  return {
    outTradeNo: transaction.out_trade_no,
    transactionId: transaction.transaction_id,
    amountFen: toFen(transaction.amount.total),
    appId: transaction.appid,
    merchantId: transaction.mchid,
    payerId: transaction.payer?.openid,
    bankType: transaction.bank_type,
    paidAt: transaction.success_time ? Date.parse(transaction.success_time) : now,
  };
}

/** §5.4: the API's `status`; §4.4: the notification's `refund_status` (same values, other name). */
const REFUND_STATUSES: Readonly<Record<Refund["status"], ChannelRefundStatus>> = {
  PROCESSING: "processing",
  SUCCESS: "succeeded",
  CLOSED: "closed",
  ABNORMAL: "abnormal",
};

export function refundOf(refund: Refund | RefundNotificationResource): ChannelRefund {
  const status = "refund_status" in refund ? refund.refund_status : refund.status;
  return {
    outRefundNo: refund.out_refund_no,
    outTradeNo: refund.out_trade_no,
    refundId: refund.refund_id,
    amountFen: toFen(refund.amount.refund),
    status: REFUND_STATUSES[status],
    succeededAt: refund.success_time ? Date.parse(refund.success_time) : undefined,
  };
}

const REFUND_EVENTS = {
  "REFUND.SUCCESS": "refund_succeeded",
  "REFUND.CLOSED": "refund_closed",
  "REFUND.ABNORMAL": "refund_abnormal",
} as const;

/** §4.1: a verified notification into the port's events. */
export function eventOf(notification: WechatPayNotification, now: number): ChannelEvent {
  const base = { notificationId: notification.id, eventType: notification.eventType };
  if (notification.kind === "refund") {
    return {
      ...base,
      kind: REFUND_EVENTS[notification.eventType],
      refund: refundOf(notification.resource),
      merchantId: notification.resource.mchid,
    };
  }
  const transaction = notification.resource;
  if (transaction.trade_state === "SUCCESS")
    return { ...base, kind: "payment_succeeded", payment: paymentOf(transaction, now) };
  // JSAPI payments notify only on success (§4.1); other products may report a close.
  if (transaction.trade_state === "CLOSED")
    return { ...base, kind: "payment_closed", outTradeNo: transaction.out_trade_no };
  return { ...base, kind: "ignored", reason: `trade_state ${transaction.trade_state} is not acted on` };
}
