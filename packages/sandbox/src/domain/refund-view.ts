import { type Refund, type RefundNotificationResource, rfc3339Beijing } from "@kassa/wechatpay";
import type { RefundRecord } from "./refund-record.ts";

/**
 * A refund in the §5.4/§5.5 Refund shape (the create and query answers; its status field
 * is `status`), and in the §4.4 shape of the REFUND.* notification's resource (there it
 * is `refund_status`). No coupons in the simulator: the payer paid and gets back it all.
 */
export function toRefund(refund: RefundRecord): Refund {
  return {
    refund_id: refund.refundId,
    out_refund_no: refund.outRefundNo,
    transaction_id: refund.transactionId,
    out_trade_no: refund.outTradeNo,
    channel: "ORIGINAL",
    user_received_account: refund.userReceivedAccount,
    ...(refund.successTime === undefined ? {} : { success_time: rfc3339Beijing(refund.successTime) }),
    create_time: rfc3339Beijing(refund.createdAt),
    status: refund.status,
    funds_account: refund.fundsAccount,
    amount: {
      total: refund.amountTotal,
      refund: refund.amountRefund,
      from: [],
      payer_total: refund.amountTotal,
      payer_refund: refund.amountRefund,
      settlement_refund: refund.amountRefund,
      settlement_total: refund.amountTotal,
      discount_refund: 0,
      currency: "CNY",
      refund_fee: refund.refundFeeFen,
    },
    promotion_detail: [],
  };
}

export function toRefundNotificationResource(refund: RefundRecord): RefundNotificationResource {
  if (refund.status === "PROCESSING") throw new Error("a PROCESSING refund is not notified (§4.4)");
  return {
    mchid: refund.mchid,
    out_trade_no: refund.outTradeNo,
    transaction_id: refund.transactionId,
    out_refund_no: refund.outRefundNo,
    refund_id: refund.refundId,
    refund_status: refund.status,
    ...(refund.successTime === undefined ? {} : { success_time: rfc3339Beijing(refund.successTime) }),
    user_received_account: refund.userReceivedAccount,
    amount: {
      total: refund.amountTotal,
      refund: refund.amountRefund,
      payer_total: refund.amountTotal,
      payer_refund: refund.amountRefund,
    },
  };
}
