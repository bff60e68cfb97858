import { ChannelError } from "../channels/payment-channel.ts";
import { insertSession, revokeOlderSessions } from "../db/sessions-repo.ts";
import { findOrCreateUser } from "../db/users-repo.ts";
import { KassaError } from "../domain/errors.ts";
import { makeId } from "../domain/ids.ts";
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
 * Step 1 of product.md: the wx.login code is exchanged with code2Session on the server; the
 * openid and session_key stay here, and the mini program gets Kassa's own session token.
 */
export async function login(deps: AppDeps, code: string): Promise<{ token: string; expiresAt: number }> {
  let openid: string;
  try {
    ({ openid } = await deps.channel.login(code));
  } catch (error) {
    if (error instanceof ChannelError && error.kind === "invalid_login")
      throw new KassaError("AUTH_LOGIN_CODE_INVALID");
    if (error instanceof ChannelError) throw new KassaError("CHANNEL_UNAVAILABLE");
    throw error;
  }
  const now = deps.clock.now();
  const user = await findOrCreateUser(deps.db, {
    appid: deps.settings.appid,
    openid,
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
