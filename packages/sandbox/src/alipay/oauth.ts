import { randomBytes } from "node:crypto";
import { beijingTimestamp } from "@kassa/alipay";
import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import { requireAlipayApp } from "./apps.ts";
import type { GatewayCall } from "./gateway-call.ts";
import { AlipayGatewayError } from "./gateway-error.ts";
import { type AlipayAuthCodeRecord, type AlipayBuyerRecord, alipayTables, buyerKey } from "./records.ts";

/**
 * `my.getAuthCode` → `alipay.system.oauth.token` (reference A.6, A.8 item 8). A code is
 * valid once, for one app; it answers the user's 2088… user_id and the app's own open_id
 * (A.6: the same person has a different open_id in each app). Those ids are what
 * trade.create accepts as the buyer.
 */

/** A.6: "single-use and short-lived [unconfirmed duration]". */
export const AUTH_CODE_TTL_MS = 5 * 60_000;
const ACCESS_TOKEN_SECONDS = 1_296_000; // 15 days [unconfirmed]
const REFRESH_TOKEN_SECONDS = 2_592_000; // 30 days [unconfirmed]
const USER_ID = /^2088[0-9]{12}$/;

/** Stands in for the mini program calling `my.getAuthCode()`: for `userId`, or a new user. */
export async function mintAuthCode(
  ctx: SandboxContext,
  input: { appId: string; userId?: string | undefined },
): Promise<{ code: AlipayAuthCodeRecord; buyer: AlipayBuyerRecord }> {
  requireAlipayApp(ctx, input.appId);
  if (input.userId !== undefined && !USER_ID.test(input.userId)) {
    throw new SandboxError("ADMIN_REQUEST_INVALID", "userId must be 16 digits starting 2088");
  }
  const random = ctx.random.stream("ids");
  const userId = input.userId ?? `2088${random.digits(12)}`;
  const buyer = buyerFor(ctx, input.appId, userId);
  const now = ctx.clock.now();
  const code: AlipayAuthCodeRecord = {
    // The code is a credential: from node:crypto, not the seeded stream (random.ts).
    code: randomBytes(16).toString("hex"),
    appId: input.appId,
    userId,
    createdAt: now,
    expiresAt: now + AUTH_CODE_TTL_MS,
  };
  alipayTables(ctx).authCodes.set(code.code, code);
  await ctx.store.commit();
  return { code, buyer };
}

/** The user as this app knows them, made on first sight and kept (same open_id every login). */
function buyerFor(ctx: SandboxContext, appId: string, userId: string): AlipayBuyerRecord {
  const buyers = alipayTables(ctx).buyers;
  const known = buyers.get(buyerKey(appId, userId));
  if (known) return known;
  const random = ctx.random.stream("ids");
  const buyer: AlipayBuyerRecord = {
    appId,
    userId,
    openId: `0${random.alphanumeric(45)}`,
    logonId: `1${random.digits(2)}******${random.digits(2)}`,
  };
  buyers.set(buyerKey(appId, userId), buyer);
  buyers.set(buyerKey(appId, buyer.openId), buyer);
  return buyer;
}

export async function oauthToken({ ctx, app, params }: GatewayCall): Promise<Record<string, unknown>> {
  const tables = alipayTables(ctx);
  const now = ctx.clock.now();
  let userId: string;
  if (params.grant_type === "authorization_code") {
    const record = params.code ? tables.authCodes.get(params.code) : undefined;
    if (!record || record.appId !== app.appId || record.usedAt !== undefined || now >= record.expiresAt) {
      // What Alipay answers for a used, expired, unknown or other app's code.
      throw new AlipayGatewayError(
        "40002",
        "isv.code-invalid",
        "授权码code无效 (the auth code is unknown, used, expired or for another app)",
        {
          errorResponse: true,
        },
      );
    }
    record.usedAt = now;
    userId = record.userId;
  } else if (params.grant_type === "refresh_token") {
    const token = params.refresh_token ? tables.tokens.get(params.refresh_token) : undefined;
    if (!token || token.appId !== app.appId) {
      throw new AlipayGatewayError(
        "40002",
        "isv.refresh-token-invalid",
        "刷新令牌refresh_token无效 [unconfirmed sub_code]",
        {
          errorResponse: true,
        },
      );
    }
    tables.tokens.delete(token.refreshToken);
    userId = token.userId;
  } else {
    throw new AlipayGatewayError(
      "40002",
      "isv.grant-type-invalid",
      "grant_type must be authorization_code or refresh_token",
      {
        errorResponse: true,
      },
    );
  }
  const buyer = buyerFor(ctx, app.appId, userId);
  const accessToken = `authbseB${randomBytes(16).toString("hex")}`;
  const refreshToken = `authbseB${randomBytes(16).toString("hex")}`;
  tables.tokens.set(refreshToken, { appId: app.appId, userId, accessToken, refreshToken, issuedAt: now });
  return {
    user_id: buyer.userId,
    open_id: buyer.openId,
    access_token: accessToken,
    expires_in: ACCESS_TOKEN_SECONDS,
    refresh_token: refreshToken,
    re_expires_in: REFRESH_TOKEN_SECONDS,
    auth_start: beijingTimestamp(now),
  };
}
