import type {
  Refund,
  RefundNotificationResource,
  TradeBillRow,
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
import type { StatementRow } from "./statement.ts";

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
    case "PAYERROR":
      return { state: "closed" };
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
    return { ...base, kind: REFUND_EVENTS[notification.eventType], refund: refundOf(notification.resource) };
  }
  const transaction = notification.resource;
  if (transaction.trade_state === "SUCCESS")
    return { ...base, kind: "payment_succeeded", payment: paymentOf(transaction, now) };
  // JSAPI payments notify only on success (§4.1); other products may report a close.
  if (transaction.trade_state === "CLOSED")
    return { ...base, kind: "payment_closed", outTradeNo: transaction.out_trade_no };
  return { ...base, kind: "ignored", reason: `trade_state ${transaction.trade_state} is not acted on` };
}

/** §5.7 bill states keep the v2 vocabulary: 退款状态 SUCCESS | PROCESSING | FAIL | CHANGE. */
const BILL_REFUND_STATUSES = {
  SUCCESS: "succeeded",
  PROCESSING: "processing",
  FAIL: "closed",
  CHANGE: "abnormal",
} as const satisfies Record<NonNullable<TradeBillRow["refundStatus"]>, ChannelRefundStatus>;

/** A trade-bill row (§5.7), or undefined for rows Kassa never makes (REVOKED: micropay only). */
export function statementRowOf(row: TradeBillRow): StatementRow | undefined {
  const at = beijingTimeToEpochMs(row.tradeTime);
  if (row.outRefundNo !== undefined && row.refundId !== undefined) {
    return {
      kind: "refund",
      outTradeNo: row.outTradeNo,
      outRefundNo: row.outRefundNo,
      refundId: row.refundId,
      amountFen: toFen(row.appliedRefundFen ?? row.refundFen ?? 0),
      status: row.refundStatus ? BILL_REFUND_STATUSES[row.refundStatus] : "processing",
      at,
    };
  }
  if (row.tradeState !== "SUCCESS") return undefined;
  return {
    kind: "payment",
    outTradeNo: row.outTradeNo,
    transactionId: row.transactionId,
    // 订单金额 is what the payer was asked for; 应结订单金额 leaves out non-settled coupons.
    amountFen: toFen(row.totalFen ?? row.settlementTotalFen),
    at,
  };
}

/** §5.7: bills write times as `YYYY-MM-DD HH:mm:ss` in Beijing time. */
function beijingTimeToEpochMs(text: string): number {
  const at = Date.parse(`${text.replace(" ", "T")}+08:00`);
  if (Number.isNaN(at)) throw new ChannelError("unavailable", `the bill's time "${text}" is unreadable`);
  return at;
}
