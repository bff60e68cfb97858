import { createHash, randomBytes } from "node:crypto";

/**
 * Merchant API keys: `sk_live_` (production) or `sk_test_` (demo mode) and 256 random bits
 * in base64url (43 characters). Shown once when made; only the SHA-256 is stored, as for
 * session tokens (session-tokens.ts): a secret of 256 random bits needs no slow hash, since
 * nobody can guess one to test against a leaked hash.
 */
export type KeyMode = "live" | "test";
export type ApiKeyScope = "read" | "write";
export const API_KEY_SCOPES: readonly ApiKeyScope[] = ["read", "write"];

const API_KEY = /^sk_(live|test)_[A-Za-z0-9_-]{43}$/;
/** How much of the secret a list shows: the prefix and 4 characters (24 of 256 bits). */
const HINT_LENGTH = "sk_test_".length + 4;

export function newApiKeySecret(mode: KeyMode): string {
  return `sk_${mode}_${randomBytes(32).toString("base64url")}`;
}

/** Whether a string has a key's shape: anything else is refused without a database read. */
export function looksLikeApiKey(value: string): boolean {
  return API_KEY.test(value);
}

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

export function hintOf(secret: string): string {
  return `${secret.slice(0, HINT_LENGTH)}…`;
}

/** `read,write` → ["read", "write"]; unknown or no scopes are refused with the reason. */
export function parseScopes(
  text: string,
): { ok: true; scopes: ApiKeyScope[] } | { ok: false; reason: string } {
  const words = text
    .split(",")
    .map((word) => word.trim())
    .filter(Boolean);
  const unknown = words.filter((word) => !API_KEY_SCOPES.includes(word as ApiKeyScope));
  if (unknown.length > 0)
    return { ok: false, reason: `unknown scope ${unknown.join(", ")}: use read, write` };
  if (words.length === 0) return { ok: false, reason: "give at least one scope: read, or read,write" };
  return { ok: true, scopes: API_KEY_SCOPES.filter((scope) => words.includes(scope)) };
}
