import { beijingTimestamp, fenToYuan, tryYuanToFen } from "@kassa/alipay";
import { bizString, type GatewayCall } from "./gateway-call.ts";
import { businessError, invalidParameter } from "./gateway-error.ts";
import { type AlipayRefundRecord, alipayTables, refundKey } from "./records.ts";
import { buyerFields, findTradeByRef } from "./trades.ts";

/**
 * `alipay.trade.refund` and `alipay.trade.fastpay.refund.query` (reference A.5, A.8 item 6).
 * Refunds settle at once: the synchronous answer is the outcome, as Alipay's usually is.
 * One out_request_no is one refund request: repeating it moves no money (`fund_change: "N"`).
 */

const OUT_REQUEST_NO = /^[0-9A-Za-z_]{1,64}$/;

export async function tradeRefund({ ctx, app, biz }: GatewayCall): Promise<Record<string, unknown>> {
  const trade = findTradeByRef(ctx, app.appId, biz);
  const amountText = biz.refund_amount;
  const refundFen = typeof amountText === "string" ? tryYuanToFen(amountText) : undefined;
  if (refundFen === undefined || refundFen < 1) {
    throw invalidParameter(
      "refund_amount must be a yuan string with at most two decimals, at least 0.01 (A.5)",
    );
  }
  const givenRequestNo = bizString(biz, "out_request_no");
  if (givenRequestNo !== undefined && !OUT_REQUEST_NO.test(givenRequestNo)) {
    throw invalidParameter("out_request_no must be 1-64 letters, digits or underscores");
  }
  // A.5: without out_request_no the refund is the whole trade, keyed by its out_trade_no.
  const outRequestNo = givenRequestNo ?? trade.outTradeNo;
  const tables = alipayTables(ctx);
  const key = refundKey(app.appId, trade.tradeNo, outRequestNo);
  const answer = (refund: AlipayRefundRecord, fundChange: "Y" | "N") => ({
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    ...buyerFields(trade, "buyer_user_id"),
    fund_change: fundChange,
    refund_fee: fenToYuan(trade.refundedFen),
    gmt_refund_pay: beijingTimestamp(refund.refundedAt),
    send_back_fee: fenToYuan(refund.refundFen),
  });
  const earlier = tables.refunds.get(key);
  // A.5: "calling again with an already-used value does not refund twice; fund_change N".
  if (earlier) return answer(earlier, "N");
  if (trade.status === "TRADE_FINISHED") {
    // A.5: past the refund window. [unconfirmed sub_code]
    throw businessError(
      "ACQ.TRADE_HAS_FINISHED",
      "交易已完结 (the refund window has ended: the trade is TRADE_FINISHED)",
    );
  }
  if (trade.paidAt === undefined || (trade.status !== "TRADE_SUCCESS" && trade.status !== "TRADE_CLOSED")) {
    throw businessError(
      "ACQ.TRADE_STATUS_ERROR",
      `交易状态不合法 (the trade is ${trade.status}: only a paid trade refunds)`,
    );
  }
  const remainingFen = trade.totalFen - trade.refundedFen;
  if (givenRequestNo === undefined && refundFen !== trade.totalFen) {
    throw businessError(
      "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL",
      "退款金额与交易金额不一致 (without out_request_no only the whole amount refunds; send an out_request_no for a partial refund)",
    );
  }
  if (refundFen > remainingFen) {
    throw businessError(
      "ACQ.REASON_TRADE_REFUND_FEE_ERR",
      `退款金额无效 (refund_amount ${fenToYuan(refundFen)} is more than the ${fenToYuan(remainingFen)} still refundable)`,
    );
  }
  const reason = bizString(biz, "refund_reason");
  const refund: AlipayRefundRecord = {
    appId: app.appId,
    tradeNo: trade.tradeNo,
    outTradeNo: trade.outTradeNo,
    outRequestNo,
    refundFen,
    ...(reason === undefined ? {} : { reason }),
    refundedAt: ctx.clock.now(),
  };
  tables.refunds.set(key, refund);
  trade.refundedFen += refundFen;
  // A.4: "Refunding everything moves it to TRADE_CLOSED"; a partial refund leaves TRADE_SUCCESS.
  if (trade.refundedFen === trade.totalFen) {
    trade.status = "TRADE_CLOSED";
    trade.closedAt = refund.refundedAt;
  }
  return answer(refund, "Y");
}

/** A.5: `code=10000` with no refund_status means "not refunded (yet)". */
export async function refundQuery({ ctx, app, biz }: GatewayCall): Promise<Record<string, unknown>> {
  const trade = findTradeByRef(ctx, app.appId, biz);
  const outRequestNo = bizString(biz, "out_request_no");
  if (outRequestNo === undefined) {
    throw invalidParameter("out_request_no is required (the out_trade_no when the refund named none, A.5)");
  }
  const refund = alipayTables(ctx).refunds.get(refundKey(app.appId, trade.tradeNo, outRequestNo));
  if (!refund) return {};
  return {
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    out_request_no: outRequestNo,
    refund_status: "REFUND_SUCCESS",
    total_amount: fenToYuan(trade.totalFen),
    refund_amount: fenToYuan(refund.refundFen),
    gmt_refund_pay: beijingTimestamp(refund.refundedAt),
  };
}
