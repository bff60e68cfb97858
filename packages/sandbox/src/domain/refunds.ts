import { refundFeeFen } from "../bills/fees.ts";
import { basicBalanceFen } from "../bills/fund-flow.ts";
import type { SandboxContext } from "../context.ts";
import type { MerchantRecord } from "../identity/merchant-record.ts";
import { newCardTail, newRefundId } from "../ids.ts";
import { receivedAccount } from "../payer/bank-types.ts";
import { WechatApiError } from "../wechat-error.ts";
import type { OrderRecord } from "./order-record.ts";
import { findOrder, findOrderByTransactionId, transitionOrder } from "./orders.ts";
import { type RefundRecord, refundKey } from "./refund-record.ts";
import type { RefundRequest } from "./refund-request.ts";
import { REFUND_SETTLE_JOB, settlementPlan } from "./refund-settlement.ts";

/**
 * §5.4 refund creation, its rules in the order WeChat Pay would find them: the same
 * out_refund_no refunds once (a repeat answers the same refund), the order must exist and
 * be paid, within a year, `amount.total` equal to the order's, the refunds' sum no more
 * than paid, at most 50 per order, a minute apart, and the merchant's balance enough
 * (NOT_ENOUGH, §5.8). An accepted refund is PROCESSING; its outcome comes later (settlement).
 */

const YEAR_MS = 365 * 24 * 3600 * 1000;
const MAX_REFUNDS_PER_ORDER = 50;
const REFUND_SPACING_MS = 60_000;

export async function createRefund(
  ctx: SandboxContext,
  merchant: MerchantRecord,
  request: RefundRequest,
): Promise<RefundRecord> {
  const key = refundKey(merchant.mchid, request.outRefundNo);
  const order = findRefundedOrder(ctx, merchant, request);
  const fingerprint = `${order?.outTradeNo ?? "?"}/${request.amountRefund}`;
  const existing = ctx.tables.refunds.get(key);
  if (existing) {
    if (existing.fingerprint === fingerprint) return existing; // §5.4: refunds once; the repeat is answered
    throw invalid(
      `out_refund_no ${request.outRefundNo} was already used for another refund (order ${existing.outTradeNo}, ${existing.amountRefund} fen): retry with the same order and amount, or use a new out_refund_no`,
    );
  }
  if (!order)
    throw new WechatApiError(
      "RESOURCE_NOT_EXISTS",
      "订单不存在 (no paid order with this out_trade_no/transaction_id)",
    );
  const now = ctx.clock.now();
  const earlier = refundsOf(ctx, order);
  checkRefundable(order, request, earlier, now);
  const live = earlier.filter((refund) => refund.status !== "CLOSED");
  const fee = refundFeeFen(
    order.amountTotal,
    request.amountRefund,
    live.map((refund) => ({ refund: refund.amountRefund, fee: refund.refundFeeFen })),
  );
  if (request.amountRefund - fee > availableBalanceFen(ctx, merchant.mchid)) {
    throw new WechatApiError(
      "NOT_ENOUGH",
      "基本账户余额不足 (the merchant's balance is short: top it up, then retry with the same out_refund_no)",
    );
  }
  const ids = ctx.random.stream("ids");
  const plan = settlementPlan(ctx, merchant.mchid, request.outRefundNo);
  const refund: RefundRecord = {
    mchid: merchant.mchid,
    outRefundNo: request.outRefundNo,
    refundId: newRefundId(ids, now),
    outTradeNo: order.outTradeNo,
    transactionId: order.transactionId!,
    ...(request.reason === undefined ? {} : { reason: request.reason }),
    ...(request.notifyUrl === undefined ? {} : { notifyUrl: request.notifyUrl }),
    fundsAccount: request.fundsAccount ?? "UNSETTLED",
    amountRefund: request.amountRefund,
    amountTotal: order.amountTotal,
    refundFeeFen: fee,
    userReceivedAccount: receivedAccount(order.bankType ?? "OTHERS", newCardTail(ids)),
    status: "PROCESSING",
    createdAt: now,
    statusChangedAt: now,
    plannedOutcome: plan.outcome,
    fingerprint,
  };
  refund.settleJobId = ctx.scheduler.schedule(REFUND_SETTLE_JOB, now + plan.settleDelayMs, { key }).id;
  ctx.tables.refunds.set(key, refund);
  ctx.tables.refundPlans.delete(key);
  transitionOrder(ctx, order, "refund"); // §5.2: SUCCESS → REFUND ("转入退款")
  await ctx.store.commit();
  return refund;
}

export function findRefund(
  ctx: SandboxContext,
  mchid: string,
  outRefundNo: string,
): RefundRecord | undefined {
  return ctx.tables.refunds.get(refundKey(mchid, outRefundNo));
}

/** The order's refunds, oldest first. */
export function refundsOf(ctx: SandboxContext, order: OrderRecord): RefundRecord[] {
  return ctx.tables.refunds
    .values()
    .filter((refund) => refund.mchid === order.mchid && refund.outTradeNo === order.outTradeNo)
    .sort((a, b) => a.createdAt - b.createdAt);
}

function findRefundedOrder(
  ctx: SandboxContext,
  merchant: MerchantRecord,
  request: RefundRequest,
): OrderRecord | undefined {
  const order =
    request.transactionId !== undefined
      ? findOrderByTransactionId(ctx, merchant.mchid, request.transactionId)
      : findOrder(ctx, merchant.mchid, request.outTradeNo!);
  if (order && request.outTradeNo !== undefined && order.outTradeNo !== request.outTradeNo) return undefined;
  return order;
}

function checkRefundable(
  order: OrderRecord,
  request: RefundRequest,
  earlier: RefundRecord[],
  now: number,
): void {
  if (order.state !== "SUCCESS" && order.state !== "REFUND") {
    throw invalid(
      `订单状态不正确: order ${order.outTradeNo} is ${order.state}; only paid orders are refunded`,
    );
  }
  if (now - (order.successTime ?? now) > YEAR_MS) {
    throw invalid("订单已超过退款期限: refunds are accepted within 365 days of payment (§5.4)");
  }
  if (request.amountTotal !== order.amountTotal) {
    throw invalid(
      `amount.total ${request.amountTotal} must equal the order's total, ${order.amountTotal} fen (§5.4)`,
    );
  }
  const refunded = earlier
    .filter((refund) => refund.status !== "CLOSED")
    .reduce((sum, refund) => sum + refund.amountRefund, 0);
  if (refunded + request.amountRefund > order.amountTotal) {
    throw invalid(
      `申请退款金额超过订单可退金额: ${refunded} of ${order.amountTotal} fen are already refunded, ${order.amountTotal - refunded} fen can still be`,
    );
  }
  if (earlier.length >= MAX_REFUNDS_PER_ORDER) {
    throw invalid(`an order can be refunded at most ${MAX_REFUNDS_PER_ORDER} times (§5.4)`);
  }
  const last = earlier.at(-1);
  if (last && now - last.createdAt < REFUND_SPACING_MS) {
    throw new WechatApiError(
      "FREQUENCY_LIMITED",
      `refunds of one order must be at least a minute apart (§5.4); the last was ${Math.ceil((now - last.createdAt) / 1000)} s ago: query it, then retry later`,
    );
  }
}

/** The balance a new refund may draw on: the BASIC balance less what refunds in progress will take. */
export function availableBalanceFen(ctx: SandboxContext, mchid: string): number {
  let pending = 0;
  for (const refund of ctx.tables.refunds.iterate()) {
    if (refund.mchid === mchid && (refund.status === "PROCESSING" || refund.status === "ABNORMAL")) {
      pending += refund.amountRefund - refund.refundFeeFen;
    }
  }
  return basicBalanceFen(ctx, mchid) - pending;
}

function invalid(message: string): WechatApiError {
  return new WechatApiError("INVALID_REQUEST", message);
}
