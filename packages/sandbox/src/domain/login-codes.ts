import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import { findMerchantByAppid } from "../identity/merchants.ts";
import { newLoginCode, newOpenid, newSessionKey } from "../ids.ts";

/**
 * `wx.login()` codes and their redemption by `jscode2session` (§7.2): a code is valid
 * once, for 5 minutes, for the appid it was minted for. The openids code2Session issues
 * are remembered per appid: prepay refuses any other with OPENID_MISMATCH (§5.1).
 */

export const LOGIN_CODE_TTL_MS = 5 * 60 * 1000;

export interface LoginCodeRecord {
  code: string;
  appid: string;
  openid: string;
  createdAt: number;
  expiresAt: number;
  usedAt?: number;
}

/** Stands in for the mini program calling `wx.login()`. */
export async function mintLoginCode(
  ctx: SandboxContext,
  input: { appid: string; openid?: string },
): Promise<LoginCodeRecord> {
  if (!findMerchantByAppid(ctx, input.appid))
    throw new SandboxError("MERCHANT_NOT_FOUND", `appid ${input.appid}`);
  if (input.openid !== undefined && !/^[0-9A-Za-z_-]{1,128}$/.test(input.openid)) {
    throw new SandboxError(
      "ADMIN_REQUEST_INVALID",
      "openid must be 1 to 128 characters of 0-9, A-Z, a-z, _ and -",
    );
  }
  const ids = ctx.random.stream("ids");
  let code = newLoginCode(ids);
  while (ctx.tables.loginCodes.has(code)) code = newLoginCode(ids);
  const now = ctx.clock.now();
  const record: LoginCodeRecord = {
    code,
    appid: input.appid,
    openid: input.openid ?? newOpenid(ids),
    createdAt: now,
    expiresAt: now + LOGIN_CODE_TTL_MS,
  };
  ctx.tables.loginCodes.set(code, record);
  await ctx.store.commit();
  return record;
}

export type RedeemOutcome =
  | { ok: true; openid: string; sessionKey: string }
  | { ok: false; errcode: number; errmsg: string };

/** §7.2 errcodes: 40013 invalid appid, 40125 invalid appsecret, 40029 invalid code, 40163 code been used. */
export async function redeemLoginCode(
  ctx: SandboxContext,
  query: { appid?: string; secret?: string; js_code?: string; grant_type?: string },
): Promise<RedeemOutcome> {
  const merchant = query.appid ? findMerchantByAppid(ctx, query.appid) : undefined;
  if (!merchant) return { ok: false, errcode: 40013, errmsg: "invalid appid" };
  if (query.secret !== merchant.appSecret) return { ok: false, errcode: 40125, errmsg: "invalid appsecret" };
  if (query.grant_type !== "authorization_code")
    return { ok: false, errcode: 40002, errmsg: "invalid grant_type" };
  const record = query.js_code ? ctx.tables.loginCodes.get(query.js_code) : undefined;
  const now = ctx.clock.now();
  if (!record || record.appid !== merchant.appid || now >= record.expiresAt) {
    return { ok: false, errcode: 40029, errmsg: "invalid code" };
  }
  if (record.usedAt !== undefined) return { ok: false, errcode: 40163, errmsg: "code been used" };
  record.usedAt = now;
  const issuedKey = `${record.appid}/${record.openid}`;
  if (!ctx.tables.issuedOpenids.has(issuedKey)) ctx.tables.issuedOpenids.set(issuedKey, now);
  await ctx.store.commit();
  return { ok: true, openid: record.openid, sessionKey: newSessionKey() };
}

export function isOpenidIssued(ctx: SandboxContext, appid: string, openid: string): boolean {
  return ctx.tables.issuedOpenids.has(`${appid}/${openid}`);
}
