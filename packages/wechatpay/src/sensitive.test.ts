import { constants, publicEncrypt } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  JAVA_MERCHANT_CERTIFICATE_PEM,
  JAVA_MERCHANT_PRIVATE_KEY_PEM,
} from "../test/vectors/wechatpay-java.ts";
import { WechatPayError } from "./errors.ts";
import { loadPrivateKey, loadPublicKey } from "./keys.ts";
import { decryptSensitiveField, encryptSensitiveField } from "./sensitive.ts";

const privateKey = loadPrivateKey(JAVA_MERCHANT_PRIVATE_KEY_PEM);
const publicKey = loadPublicKey(JAVA_MERCHANT_CERTIFICATE_PEM);
const NAME = "张三丰";

function failureOf(action: () => unknown): WechatPayError {
  try {
    action();
  } catch (error) {
    if (error instanceof WechatPayError) return error;
    throw error;
  }
  throw new Error("expected SENSITIVE_DECRYPTION_FAILED");
}

describe("sensitive fields (§6: RSA-OAEP, SHA-1, MGF1-SHA-1, Base64)", () => {
  it("round-trips any text up to OAEP-SHA1's 214-byte limit", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", maxLength: 50 }), (text) => {
        fc.pre(Buffer.byteLength(text) <= 214);
        expect(decryptSensitiveField(encryptSensitiveField(text, publicKey), privateKey)).toBe(text);
      }),
      { numRuns: 50 },
    );
  });

  it("is randomised: the same name encrypts differently each time", () => {
    expect(encryptSensitiveField(NAME, publicKey)).not.toBe(encryptSensitiveField(NAME, publicKey));
  });

  it("refuses a ciphertext made with OAEP-SHA256", () => {
    const sha256 = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: "sha256" },
      Buffer.from(NAME),
    ).toString("base64");
    expect(failureOf(() => decryptSensitiveField(sha256, privateKey)).code).toBe(
      "SENSITIVE_DECRYPTION_FAILED",
    );
  });

  it("refuses a ciphertext made with PKCS#1 v1.5 (the international API's padding)", () => {
    const pkcs1 = publicEncrypt(
      { key: publicKey, padding: constants.RSA_PKCS1_PADDING },
      Buffer.from(NAME),
    ).toString("base64");
    expect(failureOf(() => decryptSensitiveField(pkcs1, privateKey)).code).toBe(
      "SENSITIVE_DECRYPTION_FAILED",
    );
  });

  it("refuses garbage and a flipped byte without echoing plaintext or ciphertext", () => {
    const ciphertext = encryptSensitiveField(NAME, publicKey);
    const raw = Buffer.from(ciphertext, "base64");
    raw[100]! ^= 0x01;
    for (const input of ["", "not base64 at all", raw.toString("base64")]) {
      const error = failureOf(() => decryptSensitiveField(input, privateKey));
      expect(error.code).toBe("SENSITIVE_DECRYPTION_FAILED");
      expect(error.message).not.toContain(NAME);
      if (input.length > 0) expect(error.message).not.toContain(input);
    }
  });
});
