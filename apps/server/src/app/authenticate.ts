import { findLiveSession } from "../db/sessions-repo.ts";
import { KassaError } from "../domain/errors.ts";
import type { AppDeps } from "./deps.ts";
import { hashSessionToken } from "./session-tokens.ts";

/** The user behind a session token, and their app, or AUTH_SESSION_INVALID. */
export async function authenticate(
  deps: Pick<AppDeps, "db" | "clock">,
  token: string,
): Promise<{ userId: string; appId: string }> {
  const session = await findLiveSession(deps.db, hashSessionToken(token), deps.clock.now());
  if (!session) throw new KassaError("AUTH_SESSION_INVALID");
  return session;
}
