import { createHash, randomBytes } from "node:crypto";
import type { Executor } from "../../db/executor.ts";
import { insertOperatorSession, revokeOperatorSession } from "../../db/operator-sessions-repo.ts";

/**
 * Operator sessions (issue 12): a 256-bit token in a `__Host-` cookie (Secure, HttpOnly,
 * SameSite=Strict, Path=/), only its SHA-256 stored; 30 minutes idle, 12 hours at most.
 *
 * The CSRF token is derived from the session token (a keyed hash of it), so the server can
 * give it again after a reload without storing it, and a page of another site, which can
 * neither read the cookie nor the console's answers, cannot make it.
 */
export const ADMIN_COOKIE = "__Host-kassa_admin";
export const ADMIN_IDLE_MS = 30 * 60_000;
export const ADMIN_SESSION_MS = 12 * 3_600_000;
/** last_seen_at is written at most this often, so reads do not each cost a write. */
export const ADMIN_TOUCH_EVERY_MS = 60_000;

export function hashOperatorToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function csrfTokenOf(token: string): string {
  return createHash("sha256").update(`kassa-csrf:${token}`).digest("base64url");
}

export async function openOperatorSession(
  db: Executor,
  operatorId: string,
  now: number,
): Promise<{ token: string; csrfToken: string; expiresAt: number }> {
  const token = `kos_${randomBytes(32).toString("base64url")}`;
  const expiresAt = now + ADMIN_SESSION_MS;
  await insertOperatorSession(db, { tokenHash: hashOperatorToken(token), operatorId, now, expiresAt });
  return { token, csrfToken: csrfTokenOf(token), expiresAt };
}

export async function closeOperatorSession(db: Executor, token: string, now: number): Promise<void> {
  await revokeOperatorSession(db, hashOperatorToken(token), now);
}
