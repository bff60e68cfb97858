import { type KeyObject, X509Certificate } from "node:crypto";
import { type ApiV3Key, decryptAeadAes256Gcm } from "./aead.ts";
import { WechatPayError } from "./errors.ts";
import { normaliseSerial } from "./keys.ts";

/**
 * Reading the answer of `GET /v3/certificates` (reference §3.4): each entry's
 * `encrypt_certificate` decrypts with the APIv3 key to an X.509 PEM whose serial must be the
 * one listed. The key ring checks the answer's signature; this file only reads it.
 */

/** One WeChat Pay key as the key ring holds it. */
export interface PlatformKey {
  key: KeyObject;
  /** Epoch ms after which the key is no longer used; Infinity for a public key. */
  expiresAt: number;
  /** Epoch ms from which the key is valid; newest-first for encryption (§6). */
  effectiveAt: number;
}

/** §3.4: each `encrypt_certificate` decrypts with the APIv3 key to an X.509 PEM. */
export function decryptCertificates(
  body: string,
  apiV3Key: ApiV3Key,
): { serial: string; entry: PlatformKey }[] {
  let data: unknown;
  try {
    data = (JSON.parse(body) as { data?: unknown } | null)?.data;
  } catch (error) {
    throw unavailable("the /v3/certificates answer is not JSON", error);
  }
  if (!Array.isArray(data)) throw unavailable("the /v3/certificates answer is not { data: [...] }");
  return data.map((item: unknown) => decryptCertificate(item, apiV3Key));
}

function decryptCertificate(item: unknown, apiV3Key: ApiV3Key): { serial: string; entry: PlatformKey } {
  const { serial_no, expire_time, encrypt_certificate: encrypted } = (item ?? {}) as Record<string, unknown>;
  const { algorithm, associated_data, nonce, ciphertext } = (encrypted ?? {}) as Record<string, unknown>;
  if (
    typeof serial_no !== "string" ||
    typeof nonce !== "string" ||
    typeof ciphertext !== "string" ||
    (associated_data !== undefined && typeof associated_data !== "string")
  ) {
    throw unavailable("a certificate lacks serial_no or encrypt_certificate{nonce,ciphertext}");
  }
  if (algorithm !== "AEAD_AES_256_GCM") {
    throw unavailable(
      `certificate ${serial_no} is encrypted with ${String(algorithm)}, not AEAD_AES_256_GCM`,
    );
  }
  let certificate: X509Certificate;
  try {
    const pem = decryptAeadAes256Gcm(apiV3Key, { nonce, associatedData: associated_data ?? "", ciphertext });
    certificate = new X509Certificate(pem);
  } catch (error) {
    throw unavailable(
      `certificate ${serial_no} did not decrypt to an X.509 PEM: is the APIv3 key right?`,
      error,
    );
  }
  const serial = normaliseSerial(certificate.serialNumber);
  if (serial !== normaliseSerial(serial_no)) {
    throw unavailable(`serial_no ${serial_no} does not match the certificate inside (${serial})`);
  }
  if (certificate.publicKey.asymmetricKeyType !== "rsa") {
    throw unavailable(
      `certificate ${serial} holds a ${certificate.publicKey.asymmetricKeyType} key, not RSA`,
    );
  }
  const listedExpiry = typeof expire_time === "string" ? Date.parse(expire_time) : Number.NaN;
  const expiresAt = Math.min(
    Date.parse(certificate.validTo),
    Number.isNaN(listedExpiry) ? Infinity : listedExpiry,
  );
  return {
    serial,
    entry: { key: certificate.publicKey, expiresAt, effectiveAt: Date.parse(certificate.validFrom) },
  };
}

function unavailable(detail: string, cause?: unknown): WechatPayError {
  return new WechatPayError("CERTIFICATES_UNAVAILABLE", detail, cause === undefined ? {} : { cause });
}
