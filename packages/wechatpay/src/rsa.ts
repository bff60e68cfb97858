import { type KeyObject, sign, verify } from "node:crypto";

/**
 * SHA256withRSA, PKCS#1 v1.5, standard Base64 (reference §2 "Algorithm").
 *
 * The callback form of `crypto.sign` runs on libuv's thread pool, so a busy server keeps
 * its event loop free while signing (design.md convention 14).
 */
export function signSha256WithRsa(message: string | Buffer, privateKey: KeyObject): Promise<string> {
  const data = typeof message === "string" ? Buffer.from(message) : message;
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
 * Verification is cheap (~20 µs) and stays synchronous: offloading it costs more than it
 * saves (reference/perf-baselines.md §2, "Offloading verify is not worth it").
 * Returns false, never throws, on a signature of the wrong length or that is not
 * canonical standard Base64 (§2: standard alphabet, with padding).
 */
export function verifySha256WithRsa(
  message: string | Buffer,
  signatureBase64: string,
  publicKey: KeyObject,
): boolean {
  const signature = decodeBase64Strict(signatureBase64);
  if (!signature || signature.length === 0) return false;
  const data = typeof message === "string" ? Buffer.from(message) : message;
  try {
    return verify("sha256", data, publicKey, signature);
  } catch {
    return false;
  }
}

/**
 * Decode standard, padded Base64 (§2, §4.2) or return undefined. Node's own decoder skips
 * characters outside the alphabet, ignores what follows the padding and the unused bits of
 * the last character, so several different header values would decode to one valid
 * signature; only the canonical spelling is accepted here, which is what WeChat Pay sends.
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const bytes = Buffer.from(text, "base64");
  return bytes.toString("base64") === text ? bytes : undefined;
}
