import { randomBytes, scrypt, timingSafeEqual } from "node:crypto";

/**
 * Operator passwords, hashed with scrypt at OWASP's parameters (Password Storage Cheat
 * Sheet: N=2^17, r=8, p=1), a 16-byte random salt and a 32-byte key: memory-hard, in
 * node:crypto, so no native dependency. The parameters are stored with each hash, so they
 * can be raised later and old hashes still verify.
 */
const COST = { N: 2 ** 17, r: 8, p: 1 };
const KEY_BYTES = 32;
/** scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is below OWASP's N. */
const maxmemFor = (N: number, r: number) => 128 * N * r + 1024 * 1024;

function derive(password: string, salt: Buffer, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, { N, r, p, maxmem: maxmemFor(N, r) }, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, COST.N, COST.r, COST.p);
  return ["scrypt", COST.N, COST.r, COST.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, key] = stored.split("$");
  if (scheme !== "scrypt" || !n || !r || !p || !salt || !key) return false;
  const expected = Buffer.from(key, "base64url");
  const actual = await derive(password, Buffer.from(salt, "base64url"), Number(n), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/**
 * A hash of a password nobody knows, verified when a login names no operator, so an
 * unknown login costs the same time as a wrong password (no user enumeration by timing).
 */
export function dummyPasswordHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(18).toString("base64url"));
  return dummy;
}
let dummy: Promise<string> | undefined;

/** A generated password: 18 random bytes, 24 characters of base64url. */
export function generatePassword(): string {
  return randomBytes(18).toString("base64url");
}

/** The shortest password an operator may choose (NIST SP 800-63B: at least 8; we ask 12). */
export const MIN_PASSWORD_LENGTH = 12;
