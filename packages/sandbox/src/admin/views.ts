import { rfc3339Beijing, type Transaction } from "@kassa/wechatpay";
import type { SandboxContext } from "../context.ts";
import type { LoginCodeRecord } from "../domain/login-codes.ts";
import type { OrderRecord } from "../domain/order-record.ts";
import { toTransaction } from "../domain/transaction-view.ts";
import { type MerchantFiles, merchantFilePaths } from "../identity/merchant-files.ts";
import { activePlatformCertificates, type MerchantRecord, withdrawnAt } from "../identity/merchant-record.ts";

/**
 * What the admin API shows. Secrets (private keys, APIv3 key, app secret) never appear:
 * they are in the merchant's files, whose paths are listed.
 */

export interface MerchantView {
  mchid: string;
  appid: string;
  merchantName: string;
  notifyUrl: string;
  merchantSerialNo: string;
  wechatpayPublicKeyId: string;
  platformCertificates: { serialNo: string; effectiveTime: string; expireTime: string; active: boolean }[];
  createdAt: string;
  files: MerchantFiles;
}

export function merchantView(ctx: SandboxContext, merchant: MerchantRecord): MerchantView {
  const active = new Set(activePlatformCertificates(merchant, ctx.clock.now()).map((c) => c.serialNo));
  return {
    mchid: merchant.mchid,
    appid: merchant.appid,
    merchantName: merchant.merchantName,
    notifyUrl: merchant.notifyUrl,
    merchantSerialNo: merchant.apiClient.serialNo,
    wechatpayPublicKeyId: merchant.wechatpayPublicKey.id,
    platformCertificates: merchant.platformCertificates.map((certificate) => ({
      serialNo: certificate.serialNo,
      effectiveTime: rfc3339Beijing(certificate.effectiveAt),
      expireTime: rfc3339Beijing(withdrawnAt(certificate)),
      active: active.has(certificate.serialNo),
    })),
    createdAt: rfc3339Beijing(merchant.createdAt),
    files: merchantFilePaths(ctx.dataDir, merchant),
  };
}

export interface OrderView {
  mchid: string;
  outTradeNo: string;
  appid: string;
  description: string;
  amountTotal: number;
  payerOpenid: string;
  notifyUrl: string;
  state: OrderRecord["state"];
  closedBy?: "close" | "expire";
  transactionId?: string;
  createdAt: string;
  timeExpire: string;
  stateChangedAt: string;
  prepays: { prepayId: string; status: "ACTIVE" | "EXPIRED"; expiresAt: string }[];
  /** What the payer did at the cashier: pay, cancel, fail (with the reason). */
  payerActions: { time: string; action: string; bankType?: string; reason?: string }[];
  /** Exactly what a §5.2 query answers now. */
  transaction: Transaction;
}

export function orderView(ctx: SandboxContext, order: OrderRecord): OrderView {
  return {
    mchid: order.mchid,
    outTradeNo: order.outTradeNo,
    appid: order.appid,
    description: order.description,
    amountTotal: order.amountTotal,
    payerOpenid: order.payerOpenid,
    notifyUrl: order.notifyUrl,
    state: order.state,
    ...(order.closedBy ? { closedBy: order.closedBy } : {}),
    ...(order.transactionId ? { transactionId: order.transactionId } : {}),
    createdAt: rfc3339Beijing(order.createdAt),
    timeExpire: rfc3339Beijing(order.timeExpire),
    stateChangedAt: rfc3339Beijing(order.stateChangedAt),
    prepays: order.prepayIds.flatMap((prepayId) => {
      const prepay = ctx.tables.prepays.get(prepayId);
      return prepay ? [{ prepayId, status: prepay.status, expiresAt: rfc3339Beijing(prepay.expiresAt) }] : [];
    }),
    payerActions: (order.payerActions ?? []).map(({ at, ...action }) => ({
      time: rfc3339Beijing(at),
      ...action,
    })),
    transaction: toTransaction(order),
  };
}

export interface LoginCodeView {
  code: string;
  appid: string;
  openid: string;
  expiresAt: string;
}

export function loginCodeView(record: LoginCodeRecord): LoginCodeView {
  return {
    code: record.code,
    appid: record.appid,
    openid: record.openid,
    expiresAt: rfc3339Beijing(record.expiresAt),
  };
}

export interface ClockView {
  now: number;
  time: string;
  speed: number;
  seed: string;
  pendingJobs: number;
}

export function clockView(ctx: SandboxContext): ClockView {
  const now = ctx.clock.now();
  return {
    now,
    time: rfc3339Beijing(now),
    speed: ctx.clock.speed,
    seed: ctx.random.seed,
    pendingJobs: ctx.scheduler.pending().length,
  };
}
