import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { AlipayError } from "./errors.ts";

/**
 * Keys are parsed once into `KeyObject`s (design.md convention 14). Alipay's key tool and
 * console hand keys out as bare Base64 without PEM armour (the app private key as PKCS#8,
 * the "Alipay public key" as SPKI; reference A.9 "keyType ... Alipay's key tool outputs
 * PKCS8"), so both the bare form and PEM (PKCS#8, PKCS#1, SPKI, X.509) are read.
 */
export type KeyInput = string | Buffer | KeyObject;

/** The app private key (PKCS#8 or PKCS#1, PEM or bare Base64 of PKCS#8 DER). */
export function loadAppPrivateKey(input: KeyInput): KeyObject {
  if (typeof input === "object" && "asymmetricKeyType" in input) return assertRsa(input, "app private key");
  const text = input.toString().trim();
  try {
    const key = text.includes("-----BEGIN")
      ? createPrivateKey(text)
      : createPrivateKey({
          key: Buffer.from(text.replace(/\s+/g, ""), "base64"),
          format: "der",
          type: "pkcs8",
        });
    return assertRsa(key, "app private key");
  } catch (error) {
    if (error instanceof AlipayError) throw error;
    throw new AlipayError(
      "CONFIG_INVALID",
      "the app private key is neither a PEM private key nor the Base64 PKCS#8 key Alipay's key tool writes",
      { cause: error },
    );
  }
}

/** The Alipay public key (key mode: SPKI PEM or bare Base64) or the key of an X.509 certificate PEM. */
export function loadAlipayPublicKey(input: KeyInput): KeyObject {
  if (typeof input === "object" && "asymmetricKeyType" in input) return assertRsa(input, "Alipay public key");
  const text = input.toString().trim();
  try {
    let key: KeyObject;
    if (text.includes("BEGIN CERTIFICATE")) key = new X509Certificate(text).publicKey;
    else if (text.includes("-----BEGIN")) key = createPublicKey(text);
    else
      key = createPublicKey({
        key: Buffer.from(text.replace(/\s+/g, ""), "base64"),
        format: "der",
        type: "spki",
      });
    return assertRsa(key, "Alipay public key");
  } catch (error) {
    if (error instanceof AlipayError) throw error;
    throw new AlipayError(
      "CONFIG_INVALID",
      "the Alipay public key is not a PEM public key, a Base64 SPKI key or a PEM certificate",
      { cause: error },
    );
  }
}

function assertRsa(key: KeyObject, what: string): KeyObject {
  // A.3: RSA2 is SHA256withRSA; a wrong key type would only show up as a refused signature later.
  if (key.asymmetricKeyType !== "rsa") {
    throw new AlipayError(
      "CONFIG_INVALID",
      `the ${what} is ${key.asymmetricKeyType}, not RSA (sign_type RSA2)`,
    );
  }
  const bits = key.asymmetricKeyDetails?.modulusLength;
  if (bits !== undefined && bits < 2048) {
    throw new AlipayError("CONFIG_INVALID", `the ${what} has ${bits} bits; RSA2 uses RSA-2048 or more`);
  }
  return key;
}
