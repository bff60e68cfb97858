import type { SandboxContext } from "../context.ts";
import type { MerchantRecord } from "../identity/merchant-record.ts";
import { newPrepayId } from "../ids.ts";
import { paramError, WechatApiError } from "../wechat-error.ts";
import { isOpenidIssued } from "./login-codes.ts";
import { type OrderRecord, orderKey, type PrepayRecord } from "./order-record.ts";
import { ORDER_EXPIRE_JOB } from "./orders.ts";
import { type PrepayRequest, resolveTimeExpire } from "./prepay-request.ts";

/** §5.1: a prepay_id is valid for 2 hours. */
export const PREPAY_TTL_MS = 2 * 3600 * 1000;
export const PREPAY_EXPIRE_JOB = "prepay.expire";

export function registerPrepayJobs(ctx: SandboxContext): void {
  ctx.scheduler.register(PREPAY_EXPIRE_JOB, async (job) => {
    const prepay = ctx.tables.prepays.get((job.payload as { prepayId: string }).prepayId);
    if (!prepay || prepay.status === "EXPIRED") return;
    prepay.status = "EXPIRED";
    await ctx.store.commit();
  });
}

/**
 * §5.1 prepay on a checked request. The first call creates the order; a repeat with the
 * same parameters (time_expire aside: it is only settable on the first call) gets a fresh
 * prepay_id; different parameters under the same out_trade_no are OUT_TRADE_NO_USED.
 */
export async function prepay(
  ctx: SandboxContext,
  merchant: MerchantRecord,
  request: PrepayRequest,
): Promise<string> {
  if (request.mchid !== merchant.mchid) {
    throw paramError(
      "/mchid",
      `must be the mchid that signed the request (${merchant.mchid})`,
      "body",
      request.mchid,
    );
  }
  if (request.appid !== merchant.appid) {
    throw new WechatApiError(
      "APPID_MCHID_NOT_MATCH",
      `appid ${request.appid} is not bound to mchid ${merchant.mchid}`,
    );
  }
  if (!isOpenidIssued(ctx, request.appid, request.payerOpenid)) {
    throw new WechatApiError(
      "OPENID_MISMATCH",
      `payer.openid was not issued for appid ${request.appid}: take it from jscode2session with this appid`,
    );
  }
  const now = ctx.clock.now();
  const key = orderKey(merchant.mchid, request.outTradeNo);
  let order = ctx.tables.orders.get(key);
  if (order) {
    refuseReuse(order, request);
  } else {
    order = newOrder(ctx, request, now);
    ctx.tables.orders.set(key, order);
  }
  const prepayId = newPrepayId(ctx.random.stream("ids"), now);
  const record: PrepayRecord = {
    prepayId,
    mchid: order.mchid,
    appid: order.appid,
    outTradeNo: order.outTradeNo,
    createdAt: now,
    expiresAt: now + PREPAY_TTL_MS,
    status: "ACTIVE",
  };
  ctx.tables.prepays.set(prepayId, record);
  order.prepayIds.push(prepayId);
  ctx.scheduler.schedule(PREPAY_EXPIRE_JOB, record.expiresAt, { prepayId });
  await ctx.store.commit();
  return prepayId;
}

function refuseReuse(order: OrderRecord, request: PrepayRequest): void {
  if (order.fingerprint !== request.fingerprint) {
    throw new WechatApiError(
      "OUT_TRADE_NO_USED",
      `out_trade_no ${order.outTradeNo} was used with different parameters; query the order, or use a new out_trade_no`,
    );
  }
  if (order.state === "CLOSED") {
    throw new WechatApiError("ORDER_CLOSED", `order ${order.outTradeNo} is closed; use a new out_trade_no`);
  }
  if (order.state !== "NOTPAY") {
    throw new WechatApiError("ORDERPAID", `order ${order.outTradeNo} is already paid; query it`);
  }
}

function newOrder(ctx: SandboxContext, request: PrepayRequest, now: number): OrderRecord {
  const timeExpire = resolveTimeExpire(request.timeExpire, now);
  const key = orderKey(request.mchid, request.outTradeNo);
  const expiryJob = ctx.scheduler.schedule(ORDER_EXPIRE_JOB, timeExpire, { key });
  return {
    mchid: request.mchid,
    appid: request.appid,
    outTradeNo: request.outTradeNo,
    description: request.description,
    ...(request.attach === undefined ? {} : { attach: request.attach }),
    notifyUrl: request.notifyUrl,
    ...(request.goodsTag === undefined ? {} : { goodsTag: request.goodsTag }),
    amountTotal: request.amountTotal,
    currency: "CNY",
    payerOpenid: request.payerOpenid,
    ...(request.deviceId === undefined ? {} : { deviceId: request.deviceId }),
    createdAt: now,
    timeExpire,
    fingerprint: request.fingerprint,
    state: "NOTPAY",
    stateChangedAt: now,
    prepayIds: [],
    expiryJobId: expiryJob.id,
  };
}

/** For the payer's cashier: the prepay, its order, and whether it can still be paid. */
export function findPrepay(
  ctx: SandboxContext,
  prepayId: string,
): { prepay: PrepayRecord; order: OrderRecord; payable: boolean } | undefined {
  const prepay = ctx.tables.prepays.get(prepayId);
  const order = prepay && ctx.tables.orders.get(orderKey(prepay.mchid, prepay.outTradeNo));
  if (!prepay || !order) return undefined;
  const now = ctx.clock.now();
  const payable =
    prepay.status === "ACTIVE" &&
    now < prepay.expiresAt &&
    order.state === "NOTPAY" &&
    now < order.timeExpire;
  return { prepay, order, payable };
}
