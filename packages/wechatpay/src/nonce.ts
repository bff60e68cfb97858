import { randomFillSync } from "node:crypto";

const NONCE_BYTES = 16;
/**
 * Random bytes are drawn from the CSPRNG 256 nonces at a time, as crypto.randomUUID()
 * caches its randomness: one call into OpenSSL per nonce costs ~2 µs, most of it the
 * call itself. A nonce is public (it is sent beside the signature), so holding the next
 * ones in memory exposes nothing; each byte is used once.
 */
const batch = Buffer.alloc(NONCE_BYTES * 256);
let next = batch.length;

/**
 * A 32-character nonce from a CSPRNG (§2: the SDKs use 32 alphanumerics). Upper-case hex
 * is alphanumeric and fits `nonceStr` (<= 32 characters, §7.1).
 */
export function createNonce(): string {
  if (next === batch.length) {
    randomFillSync(batch);
    next = 0;
  }
  const nonce = batch.toString("hex", next, next + NONCE_BYTES).toUpperCase();
  next += NONCE_BYTES;
  return nonce;
}
