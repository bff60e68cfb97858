import { findLiveKeyByHash, touchKeyLastUsed } from "../../db/api-keys-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import { type ApiKeyScope, hashApiKey, looksLikeApiKey } from "./api-keys.ts";

/** Who is calling the merchant API: a key of one app, with its scopes. */
export interface MerchantCaller {
  keyId: string;
  appId: string;
  scopes: readonly ApiKeyScope[];
}

/** A key's last use is written at most this often: a busy ERP must not write on every call. */
export const LAST_USED_EVERY_MS = 60_000;

/**
 * The caller of a merchant API request, from its secret. A malformed, unknown or revoked key
 * is one answer, MERCHANT_KEY_INVALID, so a prober learns nothing about which keys exist; a
 * malformed one costs no database read.
 */
export async function authenticateMerchantKey(
  deps: Pick<AppDeps, "db" | "clock" | "log" | "settings">,
  secret: string,
): Promise<MerchantCaller> {
  // A key is good only in the mode it was made for: a demo database's sk_test_ key must not
  // open a production deployment that was started on a copy of it, nor a live key a demo.
  if (!looksLikeApiKey(secret) || !secret.startsWith(`sk_${deps.settings.apiKeyMode}_`))
    throw new KassaError("MERCHANT_KEY_INVALID");
  const key = await findLiveKeyByHash(deps.db, hashApiKey(secret));
  if (!key) throw new KassaError("MERCHANT_KEY_INVALID");
  const now = deps.clock.now();
  if (key.lastUsedAt === null || now - key.lastUsedAt >= LAST_USED_EVERY_MS) {
    try {
      await touchKeyLastUsed(deps.db, { id: key.id, seen: key.lastUsedAt, now });
    } catch (error) {
      // A bookkeeping write must not fail the merchant's call (a busy SQLite file, say).
      deps.log.warn({ err: error, keyId: key.id }, "could not record the API key's last use");
    }
  }
  return { keyId: key.id, appId: key.appId, scopes: key.scopes };
}
