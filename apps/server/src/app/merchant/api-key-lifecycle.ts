import { insertApiKey, revokeKey } from "../../db/api-keys-repo.ts";
import type { Executor } from "../../db/executor.ts";
import type { IdSource } from "../../domain/ids.ts";
import { type ApiKeyScope, hashApiKey, hintOf, type KeyMode, newApiKeySecret } from "./api-keys.ts";

/** A key's name as `kassa keys create --name` and the console take it: no control characters. */
export const API_KEY_NAME = /^[^\p{C}]{1,100}$/u;

/**
 * Make a merchant API key for an app: the one path of `kassa keys create` and the console's
 * settings page. The secret is returned to be shown once; only its hash and its first
 * characters (the hint a list shows) are stored.
 */
export async function makeApiKey(
  db: Executor,
  input: { appId: string; name: string; scopes: ApiKeyScope[]; mode: KeyMode; ids: IdSource; now: number },
): Promise<{ id: string; secret: string; hint: string }> {
  const secret = newApiKeySecret(input.mode);
  const id = `key_${input.ids.random()}`;
  const hint = hintOf(secret);
  await insertApiKey(db, {
    id,
    appId: input.appId,
    name: input.name,
    secretHash: hashApiKey(secret),
    secretHint: hint,
    scopes: input.scopes,
    createdAt: input.now,
  });
  return { id, secret, hint };
}

/** Revoke a live key; false when it is unknown or already revoked. Requests with it then get 401. */
export function revokeApiKey(db: Executor, input: { id: string; now: number }): Promise<boolean> {
  return revokeKey(db, input);
}
