import {
  type AlipayNotification,
  epochOfBeijingTimestamp,
  type RefundQueryResult,
  type TradeQueryResult,
} from "@kassa/alipay";
import { toFen } from "../domain/money.ts";
import { ChannelError } from "./channel-error.ts";
import type { ChannelEvent, ChannelOrderState, ChannelPayment, ChannelRefund } from "./payment-channel.ts";

/**
 * Alipay's vocabulary into the port's, and nothing else. `account` is what a query's answer
 * does not repeat: the app we called as and the collecting account (seller_id) it pays into.
 * `now` stands in for a missing time.
 */
export interface AlipayAccount {
  appId: string;
  sellerId: string;
}

/**
 * A.4 trade_status: WAIT_BUYER_PAY → TRADE_SUCCESS (→ TRADE_FINISHED), or → TRADE_CLOSED.
 * TRADE_CLOSED also ends a paid trade refunded in full: it was paid, and `send_pay_date`
 * says when (A.5), so it stays paid here, as WeChat's REFUND does.
 */
export function stateOf(trade: TradeQueryResult, account: AlipayAccount, now: number): ChannelOrderState {
  switch (trade.trade_status) {
    case "TRADE_SUCCESS":
    case "TRADE_FINISHED":
      return { state: "paid", payment: paymentOf(trade, account, now) };
    case "TRADE_CLOSED":
      return trade.send_pay_date === undefined
        ? { state: "closed" }
        : { state: "paid", payment: paymentOf(trade, account, now) };
    case "WAIT_BUYER_PAY":
      return { state: "unpaid" };
    default:
      throw new ChannelError(
        "outcome_unknown",
        `Alipay reports trade ${trade.out_trade_no} in trade_status ${trade.trade_status}, which A.4 does not list`,
      );
  }
}

function paymentOf(trade: TradeQueryResult, account: AlipayAccount, now: number): ChannelPayment {
  return {
    outTradeNo: trade.out_trade_no,
    transactionId: trade.trade_no,
    amountFen: toFen(trade.total_amount),
    appId: account.appId,
    merchantId: account.sellerId,
    payerId: trade.buyer_open_id ?? trade.buyer_user_id,
    // Alipay names no bank; how the payer paid is in fund_bill_list, which is not a bank type.
    bankType: undefined,
    paidAt: epochOfBeijingTimestamp(trade.send_pay_date) ?? now,
  };
}

/** A.5: Alipay has no refund id of its own; the trade and our out_request_no name a refund together. */
export function alipayRefundId(tradeNo: string, outRequestNo: string): string {
  return `${tradeNo}:${outRequestNo}`;
}

/** A.5 fastpay.refund.query: `REFUND_SUCCESS` is done; an empty answer is a refund not made (yet). */
export function refundOf(
  found: RefundQueryResult,
  outTradeNo: string,
  now: number,
): ChannelRefund | undefined {
  if (found.refund_status !== "REFUND_SUCCESS" || found.out_request_no === undefined) return undefined;
  if (found.trade_no === undefined || found.refund_amount === undefined) {
    throw new ChannelError(
      "outcome_unknown",
      `Alipay's refund ${found.out_request_no} of ${outTradeNo} lacks trade_no or refund_amount`,
    );
  }
  return {
    outRefundNo: found.out_request_no,
    outTradeNo: found.out_trade_no ?? outTradeNo,
    refundId: alipayRefundId(found.trade_no, found.out_request_no),
    amountFen: toFen(found.refund_amount),
    status: "succeeded",
    succeededAt: epochOfBeijingTimestamp(found.gmt_refund_pay) ?? now,
  };
}

/** A.4: a refund's notification names the refund by `out_biz_no` (our out_request_no). */
export function refundNamedBy(notification: AlipayNotification): string | undefined {
  return notification.out_biz_no;
}

/**
 * A.4: a verified notification into the port's events. Only TRADE_SUCCESS and TRADE_FINISHED
 * mean the buyer paid. A refund's notification carries the trade's cumulative refund_fee,
 * not this refund's amount, so the channel reads the refund it names (`refund`, from
 * fastpay.refund.query) and it becomes that refund's event; without one it is not acted on.
 */
export function eventOf(
  notification: AlipayNotification,
  account: AlipayAccount,
  now: number,
  refund?: ChannelRefund | undefined,
): ChannelEvent {
  const base = {
    notificationId: notification.notify_id,
    eventType: `${notification.notify_type}:${notification.trade_status ?? "-"}`,
  };
  if (notification.out_biz_no !== undefined || notification.refund_fee !== undefined) {
    if (refund)
      return {
        ...base,
        kind: "refund_succeeded",
        refund,
        merchantId: notification.seller_id ?? account.sellerId,
      };
    return { ...base, kind: "ignored", reason: "a refund notification naming no refund Alipay has made" };
  }
  switch (notification.trade_status) {
    case "TRADE_SUCCESS":
    case "TRADE_FINISHED":
      return {
        ...base,
        kind: "payment_succeeded",
        payment: {
          outTradeNo: notification.out_trade_no,
          transactionId: notification.trade_no,
          amountFen: toFen(notification.total_amount),
          appId: notification.app_id,
          // A.4 check (c): the client refused a notification naming another seller_id.
          merchantId: notification.seller_id ?? account.sellerId,
          payerId: notification.buyer_open_id ?? notification.buyer_id,
          bankType: undefined,
          paidAt: epochOfBeijingTimestamp(notification.gmt_payment) ?? now,
        },
      };
    case "TRADE_CLOSED":
      // A paid trade closes too, when refunded in full: that is no close of an unpaid payment.
      if (notification.gmt_payment !== undefined)
        return { ...base, kind: "ignored", reason: "TRADE_CLOSED of a paid trade: refunded in full" };
      return { ...base, kind: "payment_closed", outTradeNo: notification.out_trade_no };
    default:
      return {
        ...base,
        kind: "ignored",
        reason: `trade_status ${notification.trade_status ?? "(none)"} is not acted on`,
      };
  }
}
