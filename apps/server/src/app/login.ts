import { ChannelError } from "../channels/channel-error.ts";
import type { LoginOutcome } from "../channels/login-channel.ts";
import { insertSession, revokeOlderSessions } from "../db/sessions-repo.ts";
import { findOrCreateUser } from "../db/users-repo.ts";
import { KassaError } from "../domain/errors.ts";
import { makeId } from "../domain/ids.ts";
import type { ExternalChannelName } from "../domain/payment.ts";
import { defaultChannelOf } from "./app-registry.ts";
import type { AppDeps } from "./deps.ts";
import { hashSessionToken, newSessionToken } from "./session-tokens.ts";

/**
 * Live sessions one user may hold; a login past this revokes the oldest. One person uses a
 * few devices (phone, tablet, WeChat on a PC), and a mini program logs in again whenever its
 * storage is cleared, so without a cap every login would leave one more bearer token valid
 * for the whole session lifetime: forgotten and stolen ones alike, and rows without bound
 * for a client that logs in in a loop. Five covers the devices with room for a re-login.
 */
export const MAX_LIVE_SESSIONS_PER_USER = 5;

/**
 * Step 1 of product.md: the mini program's login code (wx.login, or Alipay's my.getAuthCode)
 * is exchanged at the login channel on the server (code2Session §7.2, oauth.token A.6); the
 * channel's user id stays here, and the mini program gets Kassa's own session token. The
 * channel logged in through is the one the user's orders are paid with.
 */
export async function login(
  deps: AppDeps,
  input: { code: string; appId?: string; channel?: ExternalChannelName },
): Promise<{ token: string; expiresAt: number }> {
  // The session is for the app named; its orders, catalog and payments follow from it.
  const app = deps.apps.named(input.appId);
  const { code } = input;
  const channel = input.channel ?? defaultChannelOf(app);
  const loginChannel = app.logins[channel];
  const account = app.accounts[channel];
  if (!loginChannel || !account) throw new KassaError("APP_CHANNEL_NOT_CONFIGURED", { app: app.id, channel });
  let identified: LoginOutcome;
  try {
    identified = await loginChannel.exchangeCode(code);
  } catch (error) {
    if (error instanceof ChannelError) throw new KassaError("CHANNEL_UNAVAILABLE");
    throw error;
  }
  if (identified.outcome === "code_refused") throw new KassaError("AUTH_LOGIN_CODE_INVALID");
  const now = deps.clock.now();
  const user = await findOrCreateUser(deps.db, {
    appId: app.id,
    channel,
    appid: account.appId,
    // The users table still names the column openid: renaming it is a migration (issue 8 §3).
    openid: identified.channelUserId,
    newId: makeId("user", deps.ids),
    now,
  });
  const token = newSessionToken();
  const expiresAt = now + deps.settings.sessionTtlMs;
  const tokenHash = hashSessionToken(token);
  await insertSession(deps.db, { tokenHash, userId: user.id, now, expiresAt });
  // After the insert, not in one transaction with it: a crash between the two leaves one
  // session too many until this user's next login, never a login without its session.
  await revokeOlderSessions(deps.db, {
    userId: user.id,
    keep: tokenHash,
    othersToKeep: MAX_LIVE_SESSIONS_PER_USER - 1,
  });
  return { token, expiresAt };
}
