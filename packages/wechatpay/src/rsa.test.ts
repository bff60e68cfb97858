import { createPrivateKey, createPublicKey } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GO_SIGN_VECTOR, renameTestingKey } from "../test/vectors/wechatpay-go.ts";
import { decodeBase64Strict, signSha256WithRsa, signSha256WithRsaSync, verifySha256WithRsa } from "./rsa.ts";

const privateKey = createPrivateKey(renameTestingKey(GO_SIGN_VECTOR.privateKeyTestingPem));
const publicKey = createPublicKey(privateKey);

describe("SHA256withRSA (§2 Algorithm)", () => {
  it("reproduces the wechatpay-go signature of 'source' byte for byte (§9 vector 1)", () => {
    expect(signSha256WithRsaSync(GO_SIGN_VECTOR.message, privateKey)).toBe(GO_SIGN_VECTOR.expectedSignature);
  });

  it("gives the same signature from the thread-pool form as from the synchronous form (§9 vector 1)", async () => {
    await expect(signSha256WithRsa(GO_SIGN_VECTOR.message, privateKey)).resolves.toBe(
      GO_SIGN_VECTOR.expectedSignature,
    );
    await expect(signSha256WithRsa(Buffer.from(GO_SIGN_VECTOR.message), privateKey)).resolves.toBe(
      GO_SIGN_VECTOR.expectedSignature,
    );
  });

  it("verifies the official signature with the public half of the key", () => {
    expect(verifySha256WithRsa(GO_SIGN_VECTOR.message, GO_SIGN_VECTOR.expectedSignature, publicKey)).toBe(
      true,
    );
    expect(verifySha256WithRsa("source ", GO_SIGN_VECTOR.expectedSignature, publicKey)).toBe(false);
  });

  it("signs and verifies any message, string or Buffer, ASCII or not", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary" })), fc.boolean(), (text, asBuffer) => {
        const message = asBuffer ? Buffer.from(text) : text;
        const signature = signSha256WithRsaSync(message, privateKey);
        expect(verifySha256WithRsa(text, signature, publicKey)).toBe(true);
        expect(verifySha256WithRsa(`${text}x`, signature, publicKey)).toBe(false);
      }),
      { numRuns: 50 },
    );
  });

  it("refuses every single-character change of the signature, including ones Node's lenient Base64 would decode alike", () => {
    const signature = GO_SIGN_VECTOR.expectedSignature;
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=!- \n";
    fc.assert(
      fc.property(
        fc.nat({ max: signature.length - 1 }),
        fc.constantFrom(...alphabet),
        (index, replacement) => {
          fc.pre(signature[index] !== replacement);
          const changed = signature.slice(0, index) + replacement + signature.slice(index + 1);
          expect(verifySha256WithRsa(GO_SIGN_VECTOR.message, changed, publicKey)).toBe(false);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("refuses a signature with characters inserted, appended after the padding, or without its padding", () => {
    const signature = GO_SIGN_VECTOR.expectedSignature;
    for (const changed of [
      `${signature.slice(0, 10)}!${signature.slice(10)}`,
      `${signature}AAAA`,
      signature.replace(/=+$/, ""),
      ` ${signature}`,
      signature.replace(/g==$/, "h=="), // same decoded bytes under a lenient decoder
    ]) {
      expect(verifySha256WithRsa(GO_SIGN_VECTOR.message, changed, publicKey)).toBe(false);
    }
  });

  it("returns false, never throws, for an empty, short or non-Base64 signature", () => {
    for (const signature of ["", "AAAA", "WECHATPAY/SIGNTEST/abc", "%%%", "Zg=="]) {
      expect(verifySha256WithRsa("source", signature, publicKey)).toBe(false);
    }
  });
});

describe("decodeBase64Strict", () => {
  it("accepts the canonical standard Base64 of any bytes and refuses extra padding or the URL-safe alphabet", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const text = Buffer.from(bytes).toString("base64");
        expect(decodeBase64Strict(text)?.equals(Buffer.from(bytes))).toBe(true);
        expect(decodeBase64Strict(`${text}=`)).toBeUndefined();
        const urlSafe = text.replaceAll("+", "-").replaceAll("/", "_");
        if (urlSafe !== text) expect(decodeBase64Strict(urlSafe)).toBeUndefined();
      }),
      { numRuns: 100 },
    );
  });
});
