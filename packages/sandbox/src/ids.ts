import { randomBytes } from "node:crypto";
import type { RandomStream } from "./random.ts";

/**
 * The identifiers WeChat Pay hands out, in the shapes merchants see (reference §2, §3.4,
 * §5.1, §5.2, §7.2). Public ids come from the seeded "ids" stream, so a replayed run gets
 * the same ids; secrets come from node:crypto only.
 */

/** Beijing wall-clock digits `yyyyMMddHHmmss` (WeChat stamps its ids in Beijing time). */
export function beijingDigits(epochMs: number): string {
  return new Date(epochMs + 8 * 3600 * 1000).toISOString().replace(/\D/g, "").slice(0, 14);
}

/** A 10-digit merchant number, e.g. `1900000109`. */
export function newMchid(random: RandomStream): string {
  return `19${random.digits(8)}`;
}

/** A mini program AppID: `wx` + 16 hex characters. */
export function newAppid(random: RandomStream): string {
  return `wx${random.hex(16)}`;
}

/**
 * §3.4: `PUB_KEY_ID_` + 34 digits (45 characters), opaque to clients. Ours embeds the
 * mchid and the issue date so a person can tell keys apart.
 */
export function newPublicKeyId(random: RandomStream, mchid: string, now: number): string {
  const mchidDigits = mchid.replace(/\D/g, "").padStart(10, "0").slice(-10);
  return `PUB_KEY_ID_01${mchidDigits}${beijingDigits(now).slice(0, 10)}${random.digits(12)}`;
}

/** §2: certificate serials are 40 upper-case hex; a first byte of 0x10-0x6F keeps the ASN.1 INTEGER positive without padding. */
export function newCertificateSerial(random: RandomStream): string {
  const first = (0x10 + random.int(0x60)).toString(16);
  return `${first}${random.hex(38)}`.toUpperCase();
}

/** §7.1 example `wx201410272009395522657a690389285100`: `wx` + Beijing time + 20 characters. */
export function newPrepayId(random: RandomStream, now: number): string {
  return `wx${beijingDigits(now)}${random.hex(20)}`;
}

/** §5.2: 28 digits starting `42000`, with the Beijing date inside as real ones have. */
export function newTransactionId(random: RandomStream, now: number): string {
  return `42000${random.digits(5)}${beijingDigits(now).slice(0, 8)}${random.digits(10)}`;
}

/** §5.4: refund ids look like `503008...`, 29 digits; ours carry the Beijing date like transaction ids. */
export function newRefundId(random: RandomStream, now: number): string {
  return `50300${random.digits(6)}${beijingDigits(now).slice(0, 8)}${random.digits(10)}`;
}

/** §4.1: a notification id is UUID-shaped (`3119dfba-e649-5eec-ab1e-3412bc4d2e17`), kept on every retry. */
export function newNotificationId(random: RandomStream): string {
  const hex = random.hex(32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The last 4 digits of a bank card, as `user_received_account` shows them (§5.4). */
export function newCardTail(random: RandomStream): string {
  return random.digits(4);
}

/** An openid as code2Session returns them: 28 characters starting with `o`. */
export function newOpenid(random: RandomStream): string {
  return `o${random.base64url(27)}`;
}

/** A `wx.login()` code: 32 characters, valid once for 5 minutes (§7.2). */
export function newLoginCode(random: RandomStream): string {
  return random.alphanumeric(32);
}

/** The `Request-ID` header of every answer (§1). */
export function newRequestId(random: RandomStream): string {
  return random.hex(32).toUpperCase();
}

/** 12 characters, the AEAD nonce of an encrypted resource (§4.1). */
export function newAeadNonce(random: RandomStream): string {
  return random.alphanumeric(12);
}

// Secrets: never from the seeded stream.

/** §4.2: the APIv3 key is 32 ASCII characters used as raw bytes. */
export function newApiV3Key(): string {
  return randomBytes(24).toString("base64").replace(/[+/]/g, "x").slice(0, 32);
}

/** A mini program AppSecret: 32 lower-case hex characters. */
export function newAppSecret(): string {
  return randomBytes(16).toString("hex");
}

/** code2Session's `session_key`: Base64 of 16 random bytes. */
export function newSessionKey(): string {
  return randomBytes(16).toString("base64");
}
