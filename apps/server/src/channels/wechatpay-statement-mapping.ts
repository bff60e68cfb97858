import type { FundFlowBillRow, TradeBillRow } from "@kassa/wechatpay";
import { toFen } from "../domain/money.ts";
import { ChannelError } from "./channel-error.ts";
import type { ChannelRefundStatus } from "./payment-channel.ts";
import type { StatementEntry } from "./statement.ts";

/** WeChat Pay's bill rows (§5.7) in the statement's words, and nothing else. */

/** §5.7 bill states keep the v2 vocabulary: 退款状态 SUCCESS | PROCESSING | FAIL | CHANGE. */
const BILL_REFUND_STATUSES = {
  SUCCESS: "succeeded",
  PROCESSING: "processing",
  FAIL: "closed",
  CHANGE: "abnormal",
} as const satisfies Record<NonNullable<TradeBillRow["refundStatus"]>, ChannelRefundStatus>;

/** A trade-bill row: a payment (SUCCESS, or REVOKED: taken back) or a refund (REFUND, with its ids). */
export function statementEntryOf(row: TradeBillRow): StatementEntry {
  const at = beijingTimeToEpochMs(row.tradeTime);
  if (row.outRefundNo !== undefined && row.refundId !== undefined) {
    return {
      kind: "refund",
      appId: row.appid,
      outTradeNo: row.outTradeNo,
      outRefundNo: row.outRefundNo,
      refundId: row.refundId,
      amountFen: toFen(row.appliedRefundFen ?? row.refundFen ?? 0),
      status: row.refundStatus ? BILL_REFUND_STATUSES[row.refundStatus] : "processing",
      feeMilliFen: row.feeMilliFen,
      at,
    };
  }
  if (row.tradeState === "REFUND") {
    throw new ChannelError("unavailable", "a REFUND row without 微信退款单号 and 商户退款单号");
  }
  return {
    kind: "payment",
    appId: row.appid,
    outTradeNo: row.outTradeNo,
    transactionId: row.transactionId,
    // 订单金额 is what the payer was asked for; 应结订单金额 leaves out non-settled coupons.
    amountFen: toFen(row.totalFen ?? row.settlementTotalFen),
    status: row.tradeState === "SUCCESS" ? "paid" : "revoked",
    feeMilliFen: row.feeMilliFen,
    at,
  };
}

/**
 * A fund-flow row that moves a fee (业务类型 扣除交易手续费 out, 退还交易手续费 back), or
 * undefined for the other movements (交易, 退款, 调账), which the trade bill already tells.
 */
export function feeEntryOf(row: FundFlowBillRow): StatementEntry | undefined {
  if (!row.businessType?.includes("手续费")) return undefined;
  if (row.voucherNo === undefined) {
    throw new ChannelError("unavailable", `the fee movement ${row.fundFlowId} names no 业务凭证号`);
  }
  return {
    kind: "fee",
    reference: row.voucherNo,
    movementId: row.fundFlowId,
    amountFen: row.direction === "支出" ? row.amountFen : -row.amountFen,
    at: beijingTimeToEpochMs(row.bookedAt),
  };
}

/** §5.7: bills write times as `YYYY-MM-DD HH:mm:ss` in Beijing time. */
function beijingTimeToEpochMs(text: string): number {
  const at = Date.parse(`${text.replace(" ", "T")}+08:00`);
  if (!/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(text) || Number.isNaN(at)) {
    throw new ChannelError("unavailable", `the bill's time "${text}" is unreadable`);
  }
  return at;
}
