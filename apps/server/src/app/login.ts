import { ChannelError } from "../channels/payment-channel.ts";
import { insertSession } from "../db/sessions-repo.ts";
import { findOrCreateUser } from "../db/users-repo.ts";
import { KassaError } from "../domain/errors.ts";
import { makeId } from "../domain/ids.ts";
import type { AppDeps } from "./deps.ts";
import { hashSessionToken, newSessionToken } from "./session-tokens.ts";

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
  await insertSession(deps.db, { tokenHash: hashSessionToken(token), userId: user.id, now, expiresAt });
  return { token, expiresAt };
}
