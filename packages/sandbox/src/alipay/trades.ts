import { beijingTimestamp, fenToYuan } from "@kassa/alipay";
import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import type { JobRecord } from "../scheduler.ts";
import { bizString } from "./gateway-call.ts";
import { businessError, invalidParameter } from "./gateway-error.ts";
import { createTradeNotification } from "./notifications.ts";
import { type AlipayTradeRecord, alipayTables, tradeKey } from "./records.ts";

/**
 * Trades after creation (A.4 `trade_status`, A.5): found by trade_no or out_trade_no,
 * paid by the buyer (the admin API stands in for the cashier), closed by the merchant or
 * by their timeout on the virtual clock, refunded down to TRADE_CLOSED.
 */

export const TRADE_EXPIRE_JOB = "alipay.trade.expire";
export const TRADE_FINISH_JOB = "alipay.trade.finish";
/**
 * A.5: "Refund window: by default about 3 months after payment, then the trade becomes
 * TRADE_FINISHED" (product-dependent; 90 days here). Not notified: for the 当面付 family only
 * TRADE_SUCCESS is notified by default (A.4).
 */
export const REFUND_WINDOW_MS = 90 * 86_400_000;

export function registerTradeJobs(ctx: SandboxContext): void {
  ctx.scheduler.register(TRADE_EXPIRE_JOB, (job) => expireTrade(ctx, job));
  ctx.scheduler.register(TRADE_FINISH_JOB, (job) => finishTrade(ctx, job));
}

/** A.5: `trade_no` or `out_trade_no`, at least one; trade_no wins when both are given. */
export function findTradeByRef(
  ctx: SandboxContext,
  appId: string,
  biz: Readonly<Record<string, unknown>>,
): AlipayTradeRecord {
  const tradeNo = bizString(biz, "trade_no");
  const outTradeNo = bizString(biz, "out_trade_no");
  if (tradeNo === undefined && outTradeNo === undefined) {
    throw invalidParameter("give out_trade_no or trade_no");
  }
  const tables = alipayTables(ctx);
  const key = tradeNo !== undefined ? tables.tradeNos.get(tradeNo) : tradeKey(appId, outTradeNo ?? "");
  const trade = key === undefined ? undefined : tables.trades.get(key);
  // Another app's trade does not exist for this one (A.5: "queried without app_auth_token").
  if (!trade || trade.appId !== appId || (outTradeNo !== undefined && trade.outTradeNo !== outTradeNo)) {
    throw businessError("ACQ.TRADE_NOT_EXIST", "交易不存在 (the trade does not exist for this app)");
  }
  return trade;
}

export function findTrade(
  ctx: SandboxContext,
  appId: string,
  outTradeNo: string,
): AlipayTradeRecord | undefined {
  return alipayTables(ctx).trades.get(tradeKey(appId, outTradeNo));
}

export function requireTrade(ctx: SandboxContext, appId: string, outTradeNo: string): AlipayTradeRecord {
  const trade = findTrade(ctx, appId, outTradeNo);
  if (!trade) throw new SandboxError("ALIPAY_TRADE_NOT_FOUND", `${appId} ${outTradeNo}`);
  return trade;
}

export function scheduleExpiry(ctx: SandboxContext, trade: AlipayTradeRecord): void {
  trade.expiryJobId = ctx.scheduler.schedule(TRADE_EXPIRE_JOB, trade.expiresAt, {
    appId: trade.appId,
    outTradeNo: trade.outTradeNo,
  }).id;
}

function cancelExpiry(ctx: SandboxContext, trade: AlipayTradeRecord): void {
  if (trade.expiryJobId) ctx.scheduler.cancel(trade.expiryJobId);
  delete trade.expiryJobId;
}

function expireTrade(ctx: SandboxContext, job: JobRecord): void {
  const { appId, outTradeNo } = job.payload as { appId: string; outTradeNo: string };
  const trade = findTrade(ctx, appId, outTradeNo);
  if (!trade || trade.expiryJobId !== job.id || trade.status !== "WAIT_BUYER_PAY") return;
  delete trade.expiryJobId;
  trade.status = "TRADE_CLOSED";
  trade.closedAt = job.dueAt;
}

function finishTrade(ctx: SandboxContext, job: JobRecord): void {
  const { appId, outTradeNo } = job.payload as { appId: string; outTradeNo: string };
  const trade = findTrade(ctx, appId, outTradeNo);
  // A fully refunded trade is TRADE_CLOSED already and stays so.
  if (trade?.status === "TRADE_SUCCESS") trade.status = "TRADE_FINISHED";
}

/** The buyer pays (stands in for the cashier): WAIT_BUYER_PAY → TRADE_SUCCESS, and the A.4 notification. */
export async function payTrade(
  ctx: SandboxContext,
  appId: string,
  outTradeNo: string,
): Promise<AlipayTradeRecord> {
  const trade = requireTrade(ctx, appId, outTradeNo);
  if (trade.status !== "WAIT_BUYER_PAY") {
    throw new SandboxError("ALIPAY_TRADE_NOT_PAYABLE", `${appId} ${outTradeNo} is ${trade.status}`);
  }
  cancelExpiry(ctx, trade);
  trade.status = "TRADE_SUCCESS";
  trade.paidAt = ctx.clock.now();
  ctx.scheduler.schedule(TRADE_FINISH_JOB, trade.paidAt + REFUND_WINDOW_MS, { appId, outTradeNo });
  createTradeNotification(ctx, trade);
  await ctx.store.commit();
  return trade;
}

/** A.5 `alipay.trade.close`: only a WAIT_BUYER_PAY trade closes. */
export function closeTrade(ctx: SandboxContext, trade: AlipayTradeRecord): void {
  if (trade.status !== "WAIT_BUYER_PAY") {
    // A.5: "a ACQ.TRADE_STATUS_ERROR-type sub_code" [unconfirmed exact code].
    throw businessError(
      "ACQ.TRADE_STATUS_ERROR",
      `交易状态不合法 (the trade is ${trade.status}, only WAIT_BUYER_PAY closes)`,
    );
  }
  cancelExpiry(ctx, trade);
  trade.status = "TRADE_CLOSED";
  trade.closedAt = ctx.clock.now();
}

/** The buyer's id fields as trade.query names them (A.5: `buyer_user_id`/`buyer_open_id`). */
export function buyerFields(
  trade: AlipayTradeRecord,
  userKey: "buyer_user_id" | "buyer_id",
): Record<string, string> {
  return {
    ...(trade.buyerId === undefined ? {} : { [userKey]: trade.buyerId }),
    ...(trade.buyerOpenId === undefined ? {} : { buyer_open_id: trade.buyerOpenId }),
    buyer_logon_id: trade.buyerLogonId,
  };
}

/** A.5 `alipay.trade.query`'s answer. Amounts a buyer paid appear once the trade is paid. */
export function tradeQueryView(trade: AlipayTradeRecord): Record<string, unknown> {
  const total = fenToYuan(trade.totalFen);
  const paid = trade.paidAt !== undefined;
  return {
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    ...buyerFields(trade, "buyer_user_id"),
    trade_status: trade.status,
    total_amount: total,
    ...(paid
      ? {
          buyer_pay_amount: total,
          point_amount: "0.00",
          invoice_amount: total,
          receipt_amount: total,
          send_pay_date: beijingTimestamp(trade.paidAt ?? 0),
          fund_bill_list: [{ fund_channel: "ALIPAYACCOUNT", amount: total }],
        }
      : {}),
    subject: trade.subject,
  };
}
