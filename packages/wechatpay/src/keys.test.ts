import { generateKeyPairSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GO_NOTIFY_VECTOR, GO_SIGN_VECTOR, renameTestingKey } from "../test/vectors/wechatpay-go.ts";
import {
  JAVA_MERCHANT_CERTIFICATE_PEM,
  JAVA_MERCHANT_CERTIFICATE_SERIAL,
  JAVA_MERCHANT_PRIVATE_KEY_PEM,
  JAVA_WECHAT_PAY_PRIVATE_KEY_PEM,
  JAVA_WECHAT_PAY_PUBLIC_KEY_PEM,
} from "../test/vectors/wechatpay-java.ts";
import { WechatPayError } from "./errors.ts";
import { certificateSerial, loadPrivateKey, loadPublicKey, normaliseSerial } from "./keys.ts";
import { signSha256WithRsaSync, verifySha256WithRsa } from "./rsa.ts";

function errorOf(action: () => unknown): WechatPayError {
  try {
    action();
  } catch (error) {
    if (error instanceof WechatPayError) return error;
    throw error;
  }
  throw new Error("expected a WechatPayError");
}

describe("official key material (§9 vector 6)", () => {
  it("reads the wechatpay-java merchant certificate serial as TestConfig states it", () => {
    expect(certificateSerial(JAVA_MERCHANT_CERTIFICATE_PEM)).toBe(JAVA_MERCHANT_CERTIFICATE_SERIAL);
  });

  it("pairs the wechatpay-java merchant private key with its certificate", () => {
    const signature = signSha256WithRsaSync("pairing", loadPrivateKey(JAVA_MERCHANT_PRIVATE_KEY_PEM));
    expect(verifySha256WithRsa("pairing", signature, loadPublicKey(JAVA_MERCHANT_CERTIFICATE_PEM))).toBe(
      true,
    );
    expect(verifySha256WithRsa("pairing", signature, loadPublicKey(JAVA_WECHAT_PAY_PUBLIC_KEY_PEM))).toBe(
      false,
    );
  });

  it("pairs the wechatpay-java WeChat Pay private key with the WeChat Pay public key (SPKI)", () => {
    const signature = signSha256WithRsaSync("pairing", loadPrivateKey(JAVA_WECHAT_PAY_PRIVATE_KEY_PEM));
    expect(verifySha256WithRsa("pairing", signature, loadPublicKey(JAVA_WECHAT_PAY_PUBLIC_KEY_PEM))).toBe(
      true,
    );
  });

  it("finds the wechatpay-go signing key (vector 1) to be the private half of the notification certificate (vector 4)", () => {
    const certificateKey = loadPublicKey(GO_NOTIFY_VECTOR.certificatePem);
    expect(verifySha256WithRsa("source", GO_SIGN_VECTOR.expectedSignature, certificateKey)).toBe(true);
    expect(certificateSerial(GO_NOTIFY_VECTOR.certificatePem)).toBe(
      GO_NOTIFY_VECTOR.headers["Wechatpay-Serial"],
    );
    expect(
      loadPrivateKey(renameTestingKey(GO_SIGN_VECTOR.privateKeyTestingPem)).asymmetricKeyDetails,
    ).toMatchObject({
      modulusLength: 2048,
    });
  });
});

describe("loading keys (§2 Keys)", () => {
  it("refuses a non-RSA private or public key with CONFIG_INVALID naming the key type", () => {
    const ec = generateKeyPairSync("ec", {
      namedCurve: "P-256",
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    const privateError = errorOf(() => loadPrivateKey(ec.privateKey));
    expect(privateError.code).toBe("CONFIG_INVALID");
    expect(privateError.message).toContain("ec, not RSA");
    expect(errorOf(() => loadPublicKey(ec.publicKey)).code).toBe("CONFIG_INVALID");
  });

  it("refuses an RSA key shorter than 2048 bits", () => {
    const small = generateKeyPairSync("rsa", {
      modulusLength: 1024,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    expect(errorOf(() => loadPrivateKey(small.privateKey)).message).toContain("1024 bits");
    expect(errorOf(() => loadPublicKey(small.publicKey)).code).toBe("CONFIG_INVALID");
  });

  it("refuses an unreadable PEM without echoing its content", () => {
    const notAKey = "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXNlY3JldC1zZWNyZXQ=\n-----END PRIVATE KEY-----";
    const error = errorOf(() => loadPrivateKey(notAKey));
    expect(error.code).toBe("CONFIG_INVALID");
    expect(error.message).not.toContain("c2VjcmV0");
    expect(errorOf(() => loadPublicKey("not a pem")).code).toBe("CONFIG_INVALID");
    expect(errorOf(() => certificateSerial("not a pem")).code).toBe("CONFIG_INVALID");
  });

  it("reads a public key from an SPKI PEM or from a certificate PEM, as string or Buffer", () => {
    expect(loadPublicKey(Buffer.from(JAVA_WECHAT_PAY_PUBLIC_KEY_PEM)).asymmetricKeyType).toBe("rsa");
    expect(loadPublicKey(JAVA_MERCHANT_CERTIFICATE_PEM).asymmetricKeyType).toBe("rsa");
  });
});

describe("normaliseSerial (§3.4)", () => {
  it("upper-cases hex serials and keeps PUB_KEY_ID_ ids exactly as given", () => {
    expect(normaliseSerial("5f1c72e2a8931b72a2e13af8dee92471eb397115")).toBe(
      JAVA_MERCHANT_CERTIFICATE_SERIAL,
    );
    expect(normaliseSerial("PUB_KEY_ID_0000000000000024101100397200000006")).toBe(
      "PUB_KEY_ID_0000000000000024101100397200000006",
    );
  });
});
