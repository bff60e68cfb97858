import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { WechatPayError } from "./errors.ts";

/**
 * Keys are parsed once into `KeyObject`s (design.md convention 14): a PEM parsed per
 * call costs 3-7x on every signature (reference/perf-baselines.md §2).
 */

/** Parse the merchant API private key (`apiclient_key.pem`, PKCS#8 or PKCS#1). */
export function loadPrivateKey(pem: string | Buffer): KeyObject {
  try {
    const key = createPrivateKey(pem);
    assertRsa2048(key, "merchant private key");
    return key;
  } catch (error) {
    if (error instanceof WechatPayError) throw error;
    throw new WechatPayError(
      "CONFIG_INVALID",
      "the merchant private key is not a readable PEM private key (apiclient_key.pem)",
      {
        cause: error,
      },
    );
  }
}

/**
 * Parse a WeChat Pay public key (SPKI PEM, public-key mode §3.4) or the public key of an
 * X.509 certificate PEM (platform certificate, or the merchant's own certificate).
 */
export function loadPublicKey(pem: string | Buffer): KeyObject {
  try {
    const text = pem.toString();
    const key = text.includes("BEGIN CERTIFICATE")
      ? new X509Certificate(text).publicKey
      : createPublicKey(text);
    assertRsa2048(key, "public key");
    return key;
  } catch (error) {
    if (error instanceof WechatPayError) throw error;
    throw new WechatPayError("CONFIG_INVALID", "not a readable PEM public key or certificate", {
      cause: error,
    });
  }
}

/** The serial of a certificate as WeChat Pay writes it: upper-case hex (§2, §3.4). */
export function certificateSerial(certificatePem: string | Buffer): string {
  try {
    return normaliseSerial(new X509Certificate(certificatePem).serialNumber);
  } catch (error) {
    throw new WechatPayError("CONFIG_INVALID", "not a readable PEM X.509 certificate", { cause: error });
  }
}

/** Serials are compared upper-case; `PUB_KEY_ID_...` ids are opaque and kept as given. */
export function normaliseSerial(serial: string): string {
  return serial.startsWith("PUB_KEY_ID_") ? serial : serial.toUpperCase();
}

function assertRsa2048(key: KeyObject, what: string): void {
  // WeChat Pay v3 signs with SHA256withRSA over RSA-2048 keys only (§2); anything else
  // would be refused by WeChat with SIGN_ERROR much later and far less clearly.
  if (key.asymmetricKeyType !== "rsa") {
    throw new WechatPayError("CONFIG_INVALID", `the ${what} is ${key.asymmetricKeyType}, not RSA`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits !== undefined && bits < 2048) {
    throw new WechatPayError("CONFIG_INVALID", `the ${what} has ${bits} bits; WeChat Pay uses RSA-2048`);
  }
}
