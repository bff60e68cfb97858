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
 * Returns false, never throws, on a signature of the wrong length or malformed Base64.
 */
export function verifySha256WithRsa(
  message: string | Buffer,
  signatureBase64: string,
  publicKey: KeyObject,
): boolean {
  const data = typeof message === "string" ? Buffer.from(message) : message;
  try {
    return verify("sha256", data, publicKey, Buffer.from(signatureBase64, "base64"));
  } catch {
    return false;
  }
}
