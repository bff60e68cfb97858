import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";

/**
 * Endpoint signing secrets at rest: AES-256-GCM under the master key (KASSA_MASTER_KEY_FILE
 * in production; in demo mode a key made once in the data directory). A database dump alone
 * does not give anyone the secrets that sign Kassa's webhooks.
 *
 * Sealed form: `v1.<key id>.<iv>.<ciphertext>.<tag>`, base64url. The key id (the first bytes of
 * the key's SHA-256) says which master key sealed it, so a wrong key is told as such rather
 * than as a forgery. The associated data binds each ciphertext to what it belongs to (an
 * endpoint's id): a sealed secret copied onto another endpoint does not open.
 */
export class SecretBox {
  readonly keyId: string;

  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error("the master key must be 32 bytes");
    this.keyId = createHash("sha256").update(key).digest("base64url").slice(0, 8);
  }

  seal(plaintext: string, context: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    const parts = [iv, ciphertext, cipher.getAuthTag()].map((part) => part.toString("base64url"));
    return ["v1", this.keyId, ...parts].join(".");
  }

  open(sealed: string, context: string): string {
    const [version, keyId, iv, ciphertext, tag, extra] = sealed.split(".");
    if (version !== "v1" || !keyId || !iv || !ciphertext || !tag || extra !== undefined)
      throw new SecretBoxError("not a sealed secret of this Kassa");
    if (keyId !== this.keyId)
      throw new SecretBoxError(
        `sealed under another master key (${keyId}; this Kassa's is ${this.keyId}): start Kassa with the key it was made with`,
      );
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"));
      decipher.setAAD(Buffer.from(context, "utf8"));
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      return Buffer.concat([
        decipher.update(Buffer.from(ciphertext, "base64url")),
        decipher.final(),
      ]).toString("utf8");
    } catch {
      throw new SecretBoxError("the sealed secret was altered, or belongs to another record");
    }
  }
}

export class SecretBoxError extends Error {
  override name = "SecretBoxError";
}

/**
 * A master key file's text: 32 bytes as base64 (`openssl rand -base64 32`) or as 64 hex
 * digits. Returns the key, or the problem (which never quotes the file).
 */
export function parseMasterKey(text: string): Buffer | string {
  const value = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, "hex")
    : /^[A-Za-z0-9+/]{43}=?$/.test(value)
      ? Buffer.from(value, "base64")
      : undefined;
  if (key?.length !== 32)
    return `must hold 32 random bytes as base64 (make one with: openssl rand -base64 32 > master.key) or as 64 hex digits; it holds ${value.length} characters`;
  if (key.every((byte) => byte === key[0]))
    return "holds one byte repeated: make a random key with openssl rand -base64 32";
  return key;
}

/** Demo mode's master key: made once in the data directory, readable by Kassa's user only. */
export const DEMO_MASTER_KEY_FILE = "master.key";

export function demoMasterKey(dataDir: string): Buffer {
  const path = join(dataDir, DEMO_MASTER_KEY_FILE);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    // "wx": only the first start writes it; a second instance starting at once reads that one.
    const fd = openSync(path, "wx", 0o600);
    try {
      writeSync(fd, `${randomBytes(32).toString("base64")}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  chmodSync(path, 0o600);
  const key = parseMasterKey(readFileSync(path, "utf8"));
  if (typeof key === "string") throw new Error(`${path} ${key}`);
  return key;
}
