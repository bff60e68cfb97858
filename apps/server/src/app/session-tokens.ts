import { createHash, randomBytes } from "node:crypto";

/**
 * Session tokens: 256 random bits, handed to the mini program once; only their SHA-256 is
 * stored, so a copy of the database cannot be replayed as sessions.
 */
export function newSessionToken(): string {
  return `kst_${randomBytes(32).toString("base64url")}`;
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
