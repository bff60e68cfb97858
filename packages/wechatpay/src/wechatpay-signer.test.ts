import { beforeAll, describe, expect, it } from "vitest";
import { makeIdentity, type TestIdentity } from "../test/fixtures/identities.ts";
import { GO_NOTIFY_VECTOR } from "../test/vectors/wechatpay-go.ts";
import { decryptAeadAes256Gcm, parseApiV3Key } from "./aead.ts";
import { verifySha256WithRsa } from "./rsa.ts";
import { buildNotificationBody, rfc3339Beijing, signAsWechatPay } from "./wechatpay-signer.ts";

const API_V3_KEY = parseApiV3Key("Kassa0test0APIv3key0for0signer00");
let platform: TestIdentity;

beforeAll(async () => {
  platform = await makeIdentity({ commonName: "Tenpay.com sign" });
});

describe("signAsWechatPay (§3.1, §3.2)", () => {
  it("sets the five Wechatpay-* headers, with the clock's Unix second and a 32-character nonce", async () => {
    const headers = await signAsWechatPay(
      { serial: platform.serial, privateKey: platform.privateKey },
      "{}",
      1_700_000_000_999,
    );
    expect(headers).toMatchObject({
      "Wechatpay-Timestamp": "1700000000",
      "Wechatpay-Serial": platform.serial,
      "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
    });
    expect(headers["Wechatpay-Nonce"]).toMatch(/^[0-9A-Z]{32}$/);
  });

  it("signs timestamp\\nnonce\\nbody\\n over the exact body bytes, string or Buffer alike", async () => {
    const body = Buffer.from([0xe6, 0x94, 0xaf, 0x0a, 0xff]);
    const signer = { serial: platform.serial, privateKey: platform.privateKey };
    const fromBuffer = await signAsWechatPay(signer, body, 1_700_000_000_000, "N");
    const message = Buffer.concat([Buffer.from("1700000000\nN\n"), body, Buffer.from("\n")]);
    expect(verifySha256WithRsa(message, fromBuffer["Wechatpay-Signature"], platform.publicKey)).toBe(true);
    const fromString = await signAsWechatPay(signer, "支付", 1_700_000_000_000, "N");
    expect(
      verifySha256WithRsa("1700000000\nN\n支付\n", fromString["Wechatpay-Signature"], platform.publicKey),
    ).toBe(true);
  });

  it("signs an empty body (a 204) as timestamp\\nnonce\\n\\n", async () => {
    const headers = await signAsWechatPay(
      { serial: platform.serial, privateKey: platform.privateKey },
      "",
      0,
      "N",
    );
    expect(verifySha256WithRsa("0\nN\n\n", headers["Wechatpay-Signature"], platform.publicKey)).toBe(true);
  });
});

describe("buildNotificationBody (§4.1)", () => {
  it("builds the documented envelope with the resource AEAD-encrypted under the APIv3 key, AAD = original_type", () => {
    const resource = {
      out_refund_no: "rfd_1",
      amount: { total: 1, refund: 1, payer_total: 1, payer_refund: 1 },
    };
    const envelope = JSON.parse(
      buildNotificationBody(
        API_V3_KEY,
        { eventType: "REFUND.SUCCESS", originalType: "refund", resource, resourceNonce: "0123456789ab" },
        GO_NOTIFY_VECTOR.nowSeconds * 1000,
      ),
    );
    expect(envelope).toMatchObject({
      create_time: "2021-06-24T16:37:26+08:00",
      resource_type: "encrypt-resource",
      event_type: "REFUND.SUCCESS",
      summary: "退款状态变更",
      resource: {
        original_type: "refund",
        algorithm: "AEAD_AES_256_GCM",
        associated_data: "refund",
        nonce: "0123456789ab",
      },
    });
    expect(envelope.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const plaintext = decryptAeadAes256Gcm(API_V3_KEY, {
      nonce: envelope.resource.nonce,
      associatedData: envelope.resource.associated_data,
      ciphertext: envelope.resource.ciphertext,
    });
    expect(JSON.parse(plaintext.toString("utf8"))).toEqual(resource);
  });

  it("draws a fresh 12-character resource nonce and a fresh id for each notification", () => {
    const input = { eventType: "TRANSACTION.SUCCESS", originalType: "transaction" as const, resource: {} };
    const first = JSON.parse(buildNotificationBody(API_V3_KEY, input, 0));
    const second = JSON.parse(buildNotificationBody(API_V3_KEY, input, 0));
    expect(first.resource.nonce).toHaveLength(12);
    expect(first.resource.nonce).not.toBe(second.resource.nonce);
    expect(first.id).not.toBe(second.id);
    expect(first.summary).toBe("支付成功");
  });
});

describe("rfc3339Beijing (§1 Dates)", () => {
  it("writes an instant in +08:00 to the second, as the Go vector's create_time for its timestamp", () => {
    expect(rfc3339Beijing(GO_NOTIFY_VECTOR.nowSeconds * 1000 + 999)).toBe("2021-06-24T16:37:26+08:00");
    expect(rfc3339Beijing(0)).toBe("1970-01-01T08:00:00+08:00");
    expect(rfc3339Beijing(Date.parse("2026-12-31T16:00:00Z"))).toBe("2027-01-01T00:00:00+08:00");
  });
});
