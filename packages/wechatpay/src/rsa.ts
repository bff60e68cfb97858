import { createVerify, type KeyObject, sign } from "node:crypto";

/**
 * SHA256withRSA, PKCS#1 v1.5, standard Base64 (reference §2 "Algorithm").
 *
 * Where an RSA signature is computed:
 * - `thread-pool` (the default): the callback form of `crypto.sign`, on libuv's thread
 *   pool, so a busy server keeps its event loop free and signs on both cores (design.md
 *   convention 14: 1.8x the requests/s of the synchronous form on two cores). The hop to
 *   the pool costs 10-20 % latency when only one call is in flight.
 * - `inline`: the synchronous form, on the calling thread: the lowest latency for
 *   scripts, CLIs and batch jobs with one call in flight, but it blocks the event loop
 *   for the ~0.3 ms of each signature.
 */
export type SigningMode = "thread-pool" | "inline";

export function signSha256WithRsa(
  message: string | Buffer,
  privateKey: KeyObject,
  mode: SigningMode = "thread-pool",
): Promise<string> {
  const data = typeof message === "string" ? Buffer.from(message) : message;
  if (mode === "inline") {
    try {
      return Promise.resolve(sign("sha256", data, privateKey).toString("base64"));
    } catch (error) {
      return Promise.reject(error);
    }
  }
  return new Promise((resolve, reject) => {
    sign("sha256", data, privateKey, (error, signature) => {
      if (error) reject(error);
      else resolve(signature.toString("base64"));
    });
  });
}

/** The synchronous form, for callers that cannot await (tests, scripts). */
export function signSha256WithRsaSync(message: string | Buffer, privateKey: KeyObject): string {
  const data = typeof message === "string" ? Buffer.from(message) : message;
  return sign("sha256", data, privateKey).toString("base64");
}

/**
 * Verification is cheap (~25 µs) and stays synchronous: offloading it costs more than it
 * saves (reference/perf-baselines.md §2, "Offloading verify is not worth it").
 * Returns false, never throws, on a signature of the wrong length or that is not
 * canonical standard Base64 (§2: standard alphabet, with padding).
 */
export function verifySha256WithRsa(
  message: string | Buffer,
  signatureBase64: string,
  publicKey: KeyObject,
): boolean {
  return verifySha256WithRsaParts([message], signatureBase64, publicKey);
}

/**
 * The same over a message given in pieces, hashed in turn: the §3.2 message
 * `timestamp\nnonce\nbody\n` is never copied into one buffer, so a large body is read
 * once, by the hash.
 */
export function verifySha256WithRsaParts(
  parts: readonly (string | Buffer)[],
  signatureBase64: string,
  publicKey: KeyObject,
): boolean {
  const signature = decodeBase64Strict(signatureBase64);
  if (!signature || signature.length === 0) return false;
  try {
    const verifier = createVerify("RSA-SHA256");
    for (const part of parts) verifier.update(part);
    return verifier.verify(publicKey, signature);
  } catch {
    return false;
  }
}

const EQUALS_SIGN = 0x3d;
/** The 6-bit value of each standard Base64 character, by character code (-1: not one). */
const SEXTET = new Int8Array(128).fill(-1);
for (const [value, character] of [
  ..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
].entries()) {
  SEXTET[character.charCodeAt(0)] = value;
}

/**
 * Decode standard, padded Base64 (§2, §4.2) or return undefined. Node's own decoder skips
 * characters outside its alphabet, stops at the first `=`, also takes the URL-safe `-` and
 * `_`, ignores the unused bits of the last character, and reads a character above U+00FF
 * by its low byte (`中` as `-`), so several spellings would decode to one valid signature
 * or ciphertext; only the canonical one is accepted here, which is what WeChat Pay sends.
 *
 * Checked without encoding the bytes again (a second pass and a second string as long as
 * the input, ~0.3 µs for a notification's ciphertext):
 * - the text is ASCII (its UTF-8 length is its length), so no character is read by its
 *   low byte;
 * - the length is a multiple of 4 and at most the last two characters are `=`;
 * - no character was skipped: the decoder turns n characters of its alphabet into at most
 *   floor(6n / 8) bytes, so one skipped (or one `=` before the end) leaves the output at
 *   least a byte short of 3/4 of the length less the padding;
 * - neither URL-safe character is present;
 * - the last character before the padding leaves its unused bits zero (the low 4 bits
 *   under `==`, the low 2 under `=`), so the last group has one spelling.
 * rsa.test.ts checks this against the definition by re-encoding, on strings of every kind
 * of character above.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const length = text.length;
  if (length % 4 !== 0 || Buffer.byteLength(text, "utf8") !== length) return undefined;
  const padding =
    length > 0 && text.charCodeAt(length - 1) === EQUALS_SIGN
      ? text.charCodeAt(length - 2) === EQUALS_SIGN
        ? 2
        : 1
      : 0;
  const bytes = Buffer.from(text, "base64");
  if (bytes.length !== (length / 4) * 3 - padding) return undefined;
  if (text.includes("-") || text.includes("_")) return undefined;
  if (padding > 0) {
    const unusedBits = padding === 2 ? 0b1111 : 0b11;
    if ((SEXTET[text.charCodeAt(length - 1 - padding)]! & unusedBits) !== 0) return undefined;
  }
  return bytes;
}
