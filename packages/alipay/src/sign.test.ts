import { AlipaySdk } from "alipay-sdk";
import { beforeAll, describe, expect, it } from "vitest";
import { certificateSn, rootCertificateSn } from "./cert-sn.ts";
import { verifyRequestSignature } from "./gateway.ts";
import {
  beijingTimestamp,
  epochOfBeijingTimestamp,
  requestSigningString,
  signRequest,
  verifyRsa2,
} from "./sign.ts";
import { makeKeyPair, makePki, type TestKeyPair, type TestPki } from "./testing/test-pki.ts";

let app: TestKeyPair;
let pki: TestPki;

beforeAll(async () => {
  app = makeKeyPair();
  pki = await makePki(app, makeKeyPair());
});

/** alipay-sdk's own signed request parameters (`sdkExecute` signs with its `sign()`). */
function sdkSignedParams(sdk: AlipaySdk): Record<string, string> {
  const query = sdk.sdkExecute("alipay.trade.create", {
    notifyUrl: "https://pay.example.com/notify/alipay?x=1&y=2",
    bizContent: {
      out_trade_no: "ord_20261203_0001",
      total_amount: "12.30",
      subject: "茶 & 点心 = 好",
      product_code: "JSAPI_PAY",
      buyer_open_id: "074a1CcTG1LelxKe4xQC0zgNdId0nxi95b5lsNpazWYoCo5",
    },
  });
  return Object.fromEntries(new URLSearchParams(query));
}

describe("request signing string (reference A.3)", () => {
  it("sorts by key, drops sign and empty values, keeps sign_type, and does not URL-encode", () => {
    expect(
      requestSigningString({
        timestamp: "2026-12-03 15:20:00",
        app_id: "2021000000000001",
        sign: "ignored",
        sign_type: "RSA2",
        notify_url: "",
        app_auth_token: undefined,
        biz_content: '{"subject":"a&b=c"}',
        method: "alipay.trade.query",
      }),
    ).toBe(
      'app_id=2021000000000001&biz_content={"subject":"a&b=c"}&method=alipay.trade.query&sign_type=RSA2&timestamp=2026-12-03 15:20:00',
    );
  });

  it("writes timestamps in Beijing time whatever the process's time zone", () => {
    expect(beijingTimestamp(Date.UTC(2026, 11, 31, 16, 0, 5))).toBe("2027-01-01 00:00:05");
    expect(beijingTimestamp(Date.UTC(2026, 5, 1, 3, 4, 5))).toBe("2026-06-01 11:04:05");
  });

  it("reads a Beijing timestamp back to the instant, and refuses what is not one", () => {
    expect(epochOfBeijingTimestamp("2027-01-01 00:00:05")).toBe(Date.UTC(2026, 11, 31, 16, 0, 5));
    for (const bad of [undefined, "", "2026-02-30 10:00:00", "2026-06-01T11:04:05", "2026-06-01 11:04"])
      expect(epochOfBeijingTimestamp(bad)).toBeUndefined();
  });
});

describe("alipay-sdk as an oracle for request signatures", () => {
  it("key mode: Kassa's signature over the SDK's parameters is the SDK's signature, and verifies", async () => {
    const sdk = new AlipaySdk({
      appId: "2021000000000001",
      privateKey: app.privateKeyBase64,
      keyType: "PKCS8",
      alipayPublicKey: pki.alipay.publicKeyBase64,
    });
    const params = sdkSignedParams(sdk);
    expect(params.sign_type).toBe("RSA2");
    const { sign, ...unsigned } = params;
    // RSA PKCS#1 v1.5 is deterministic: equal signatures mean equal signing strings.
    expect(await signRequest(unsigned, app.privateKey, "inline")).toBe(sign);
    expect(await signRequest(unsigned, app.privateKey)).toBe(sign);
    expect(verifyRequestSignature(params, app.publicKey)).toBe(true);
    expect(verifyRequestSignature({ ...params, timestamp: `${params.timestamp}1` }, app.publicKey)).toBe(
      false,
    );
    expect(verifyRequestSignature(params, pki.alipay.publicKey)).toBe(false);
  });

  it("certificate mode: the SDK sends the app_cert_sn and alipay_root_cert_sn Kassa computes, signed alike", async () => {
    const sdk = new AlipaySdk({
      appId: "2021000000000001",
      privateKey: app.privateKeyPem,
      keyType: "PKCS8",
      appCertContent: pki.appCertPem,
      alipayPublicCertContent: pki.alipayCertPem,
      alipayRootCertContent: pki.rootBundlePem,
    });
    const params = sdkSignedParams(sdk);
    expect(params.app_cert_sn).toBe(certificateSn(pki.appCertPem));
    expect(params.alipay_root_cert_sn).toBe(rootCertificateSn(pki.rootBundlePem));
    const { sign, ...unsigned } = params;
    expect(await signRequest(unsigned, app.privateKey)).toBe(sign);
    expect(verifyRsa2(requestSigningString(params), sign ?? "", app.publicKey)).toBe(true);
  });
});
