import { deleteSession } from "../db/sessions-repo.ts";
import type { AppDeps } from "./deps.ts";
import { hashSessionToken } from "./session-tokens.ts";

/** Revoke one session token: from now on it authenticates nothing. Revoking twice is harmless. */
export async function logout(deps: Pick<AppDeps, "db">, token: string): Promise<void> {
  await deleteSession(deps.db, hashSessionToken(token));
}
