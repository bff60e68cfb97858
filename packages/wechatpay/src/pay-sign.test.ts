import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  JAVA_MERCHANT_CERTIFICATE_PEM,
  JAVA_MERCHANT_PRIVATE_KEY_PEM,
  JAVA_WECHAT_PAY_PUBLIC_KEY_PEM,
} from "../test/vectors/wechatpay-java.ts";
import { loadPrivateKey, loadPublicKey } from "./keys.ts";
import {
  buildPaySignMessage,
  buildRequestPaymentParams,
  type RequestPaymentParams,
  verifyPaySign,
} from "./pay-sign.ts";
import { verifySha256WithRsa } from "./rsa.ts";

const merchantPrivateKey = loadPrivateKey(JAVA_MERCHANT_PRIVATE_KEY_PEM);
const merchantPublicKey = loadPublicKey(JAVA_MERCHANT_CERTIFICATE_PEM);

/** The reference's documented paySign example (§7.1, §9 item 8); its signature depends on the key. */
const DOC_EXAMPLE = {
  appId: "wx8888888888888888",
  timeStamp: "1414561699",
  nonceStr: "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
  prepayId: "wx201410272009395522657a690389285100",
  message:
    "wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n",
};

async function docExampleParams(): Promise<RequestPaymentParams> {
  return buildRequestPaymentParams({
    appId: DOC_EXAMPLE.appId,
    prepayId: DOC_EXAMPLE.prepayId,
    privateKey: merchantPrivateKey,
    now: Number(DOC_EXAMPLE.timeStamp) * 1000 + 999,
    nonceStr: DOC_EXAMPLE.nonceStr,
  });
}

describe("paySign (§7.1)", () => {
  it("builds the documented example message exactly: appId, timeStamp, nonceStr, package, each \\n-terminated", () => {
    const message = buildPaySignMessage(
      DOC_EXAMPLE.appId,
      DOC_EXAMPLE.timeStamp,
      DOC_EXAMPLE.nonceStr,
      `prepay_id=${DOC_EXAMPLE.prepayId}`,
    );
    expect(message).toBe(DOC_EXAMPLE.message);
    expect(message.split("\n")).toHaveLength(5);
    expect(message.endsWith("\n")).toBe(true);
  });

  it("signs that message with the merchant private key and returns the wx.requestPayment fields, signType RSA", async () => {
    const params = await docExampleParams();
    expect(params).toMatchObject({
      appId: DOC_EXAMPLE.appId,
      timeStamp: DOC_EXAMPLE.timeStamp,
      nonceStr: DOC_EXAMPLE.nonceStr,
      package: `prepay_id=${DOC_EXAMPLE.prepayId}`,
      signType: "RSA",
    });
    expect(verifySha256WithRsa(DOC_EXAMPLE.message, params.paySign, merchantPublicKey)).toBe(true);
  });

  it("gives timeStamp as 10-digit Unix seconds, never milliseconds", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1_000_000_000_000, max: 9_999_999_999_999 }), async (now) => {
        const params = await buildRequestPaymentParams({
          appId: DOC_EXAMPLE.appId,
          prepayId: "wx1",
          privateKey: merchantPrivateKey,
          now,
        });
        expect(params.timeStamp).toMatch(/^\d{10}$/);
        expect(params.timeStamp).toBe(String(Math.floor(now / 1000)));
        expect(params.nonceStr).toMatch(/^[0-9A-Z]{32}$/);
      }),
      { numRuns: 50 },
    );
  });

  it("is accepted by verifyPaySign with the merchant public key", async () => {
    expect(verifyPaySign(await docExampleParams(), merchantPublicKey)).toBe(true);
  });

  it.each([
    ["appId", { appId: "wx8888888888888889" }],
    ["package", { package: "prepay_id=wx201410272009395522657a690389285101" }],
    ["timeStamp", { timeStamp: "1414561700" }],
    ["nonceStr", { nonceStr: "5K8264ILTKCH16CQ2502SI8ZNMTM67VT" }],
    ["signType MD5", { signType: "MD5" }],
    ["signType HMAC-SHA256", { signType: "HMAC-SHA256" }],
    ["signType rsa (lower case)", { signType: "rsa" }],
  ])("is refused by verifyPaySign when %s changes", async (_name, change) => {
    expect(verifyPaySign({ ...(await docExampleParams()), ...change }, merchantPublicKey)).toBe(false);
  });

  it("is refused by verifyPaySign with another key", async () => {
    expect(verifyPaySign(await docExampleParams(), loadPublicKey(JAVA_WECHAT_PAY_PUBLIC_KEY_PEM))).toBe(
      false,
    );
  });
});
