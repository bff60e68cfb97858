import { randomBytes } from "node:crypto";

/**
 * A 32-character nonce from a CSPRNG (§2: the SDKs use 32 alphanumerics). Upper-case hex
 * is alphanumeric, fits `nonceStr` (<= 32 characters, §7.1), and costs one randomBytes.
 */
export function createNonce(): string {
  return randomBytes(16).toString("hex").toUpperCase();
}
