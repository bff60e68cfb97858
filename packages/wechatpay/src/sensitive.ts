import { constants, type KeyObject, privateDecrypt, publicEncrypt } from "node:crypto";
import { WechatPayError } from "./errors.ts";

/**
 * Sensitive fields (reference §6): RSA-OAEP with SHA-1 and MGF1-SHA-1, Base64. Encrypt
 * with the WeChat Pay key (and send its serial as `Wechatpay-Serial`); decrypt what WeChat
 * Pay sends with the merchant private key. Domestic v3 never uses PKCS#1 v1.5 here.
 */
export function encryptSensitiveField(plaintext: string, wechatPayPublicKey: KeyObject): string {
  return publicEncrypt(
    { key: wechatPayPublicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
    Buffer.from(plaintext, "utf8"),
  ).toString("base64");
}

export function decryptSensitiveField(ciphertextBase64: string, privateKey: KeyObject): string {
  try {
    return privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha1" },
      Buffer.from(ciphertextBase64, "base64"),
    ).toString("utf8");
  } catch (error) {
    throw new WechatPayError("SENSITIVE_DECRYPTION_FAILED", "wrong key, or not RSA-OAEP(SHA-1) data", {
      cause: error,
    });
  }
}
