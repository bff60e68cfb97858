import { MAX_TRADE_FEN, MIN_TRADE_FEN, tryYuanToFen } from "@kassa/alipay";
import { beijingDigits } from "../ids.ts";
import { bizString, type GatewayCall, requiredBizString } from "./gateway-call.ts";
import { businessError, invalidParameter } from "./gateway-error.ts";
import { type AlipayTradeRecord, alipayTables, buyerKey, tradeKey } from "./records.ts";
import { scheduleExpiry } from "./trades.ts";

/**
 * `alipay.trade.create` for a mini program (reference A.1, A.8 item 3): the trade exists,
 * WAIT_BUYER_PAY, as soon as the call succeeds (A.0 "Key fact"). The same out_trade_no with
 * the same parameters gives back the same trade_no; with different ones,
 * ACQ.CONTEXT_INCONSISTENT.
 */

const OUT_TRADE_NO = /^[0-9A-Za-z_]{1,64}$/;
/** A.1: "must not contain special characters such as /, =, &". */
const SUBJECT_FORBIDDEN = /[/=&]/;
const TIMEOUT_EXPRESS = /^([1-9][0-9]*)([mhd])$/;
const TIME_EXPIRE = /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$/;
const MINUTE = 60_000;
const UNIT_MS = { m: MINUTE, h: 60 * MINUTE, d: 24 * 60 * MINUTE } as const;
/** A.1 range of timeout_express: 1m-15d. */
const MAX_TIMEOUT_MS = 15 * UNIT_MS.d;
/** A.1: the default when neither timeout is sent is [unconfirmed]; we keep the longest allowed. */
const DEFAULT_TIMEOUT_MS = MAX_TIMEOUT_MS;

export async function tradeCreate({ ctx, app, params, biz }: GatewayCall): Promise<Record<string, unknown>> {
  const outTradeNo = requiredBizString(biz, "out_trade_no");
  if (!OUT_TRADE_NO.test(outTradeNo)) {
    throw invalidParameter("out_trade_no must be 1-64 letters, digits or underscores (A.1)");
  }
  const totalText = biz.total_amount;
  const totalFen = typeof totalText === "string" ? tryYuanToFen(totalText) : undefined;
  if (totalFen === undefined || totalFen < MIN_TRADE_FEN || totalFen > MAX_TRADE_FEN) {
    throw invalidParameter(
      'total_amount must be a yuan string with at most two decimals from 0.01 to 100000000, e.g. "12.30" (A.1)',
    );
  }
  const subject = requiredBizString(biz, "subject");
  if (subject.length > 256 || SUBJECT_FORBIDDEN.test(subject)) {
    throw invalidParameter("subject must be at most 256 characters without / = & (A.1)");
  }
  const body = bizString(biz, "body");
  if (body !== undefined && body.length > 128)
    throw invalidParameter("body must be at most 128 characters (A.1)");
  const productCode = bizString(biz, "product_code");
  const buyerId = bizString(biz, "buyer_id");
  const buyerOpenId = bizString(biz, "buyer_open_id");
  if (buyerId === undefined && buyerOpenId === undefined) {
    throw invalidParameter("buyer_id or buyer_open_id is required for a mini-program trade (A.1)");
  }
  const tables = alipayTables(ctx);
  // A.1/A.6: the buyer must be the one this app learnt through alipay.system.oauth.token.
  const buyer = tables.buyers.get(buyerKey(app.appId, buyerId ?? buyerOpenId ?? ""));
  if (
    !buyer ||
    (buyerId !== undefined && buyer.userId !== buyerId) ||
    (buyerOpenId !== undefined && buyer.openId !== buyerOpenId)
  ) {
    // [unconfirmed] Alipay's exact sub_code for a buyer unknown to the app.
    throw invalidParameter(
      `${buyerId !== undefined ? "buyer_id" : "buyer_open_id"} was not issued to app ${app.appId} by alipay.system.oauth.token`,
    );
  }
  const now = ctx.clock.now();
  const expiresAt = expiryOf(biz, now);
  const notifyUrl = params.notify_url || undefined;
  const fingerprint = JSON.stringify([totalFen, subject, body, productCode, buyerId, buyerOpenId]);
  const key = tradeKey(app.appId, outTradeNo);
  const existing = tables.trades.get(key);
  if (existing) {
    if (existing.fingerprint !== fingerprint) {
      throw businessError(
        "ACQ.CONTEXT_INCONSISTENT",
        "交易信息被篡改 (this out_trade_no was created with other parameters: amount, subject, body, product or buyer)",
      );
    }
    if (existing.status === "TRADE_SUCCESS" || existing.status === "TRADE_FINISHED") {
      throw businessError("ACQ.TRADE_HAS_SUCCESS", "交易已被支付 (the trade is already paid)");
    }
    if (existing.status === "TRADE_CLOSED") {
      throw businessError(
        "ACQ.TRADE_HAS_CLOSE",
        "交易已经关闭 (the trade is closed: use a new out_trade_no)",
      );
    }
    return { out_trade_no: existing.outTradeNo, trade_no: existing.tradeNo };
  }
  const passbackParams = bizString(biz, "passback_params");
  const trade: AlipayTradeRecord = {
    appId: app.appId,
    tradeNo: newTradeNo(ctx.random.stream("ids"), now),
    outTradeNo,
    totalFen,
    subject,
    ...(body === undefined ? {} : { body }),
    ...(productCode === undefined ? {} : { productCode }),
    ...(buyerId === undefined ? {} : { buyerId }),
    ...(buyerOpenId === undefined ? {} : { buyerOpenId }),
    buyerLogonId: buyer.logonId,
    ...(passbackParams === undefined ? {} : { passbackParams }),
    ...(notifyUrl === undefined ? {} : { notifyUrl }),
    fingerprint,
    status: "WAIT_BUYER_PAY",
    createdAt: now,
    expiresAt,
    refundedFen: 0,
  };
  tables.trades.set(key, trade);
  tables.tradeNos.set(trade.tradeNo, key);
  scheduleExpiry(ctx, trade);
  return { out_trade_no: outTradeNo, trade_no: trade.tradeNo };
}

/** A.1: `time_expire` (absolute, Beijing) wins over `timeout_express` (relative, 1m-15d). */
function expiryOf(biz: Readonly<Record<string, unknown>>, now: number): number {
  const timeExpire = bizString(biz, "time_expire");
  if (timeExpire !== undefined) {
    const at = TIME_EXPIRE.test(timeExpire)
      ? Date.parse(`${timeExpire.replace(" ", "T")}+08:00`)
      : Number.NaN;
    if (Number.isNaN(at))
      throw invalidParameter("time_expire must be yyyy-MM-dd HH:mm:ss, Beijing time (A.1)");
    if (at <= now) throw invalidParameter("time_expire is already past");
    return at;
  }
  const timeout = bizString(biz, "timeout_express");
  if (timeout === undefined) return now + DEFAULT_TIMEOUT_MS;
  const match = TIMEOUT_EXPRESS.exec(timeout);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : Number.NaN;
  if (!(ms >= MINUTE && ms <= MAX_TIMEOUT_MS)) {
    throw invalidParameter("timeout_express must be like 90m, 2h or 1d, from 1m to 15d (A.1)");
  }
  return now + ms;
}

/** 28 digits, the Beijing date first, as Alipay's trade numbers are (A.2 example `2017111521001104...`). */
function newTradeNo(random: { digits(length: number): string }, now: number): string {
  return `${beijingDigits(now).slice(0, 8)}22001${random.digits(15)}`;
}
