import { createCipheriv, randomBytes, sign, verify } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { createWechatPayClient, type WechatPayClient } from "./client.ts";
import { makeWorld, type TestWorld, testClientOptions } from "./testing/local-wechatpay.ts";

let world: TestWorld;
let client: WechatPayClient;

beforeAll(async () => {
  world = await makeWorld();
  client = createWechatPayClient(testClientOptions(world, "https://api.mch.weixin.qq.com"));
});

/** A payment notification built by hand (§4.1, §4.2, §3.2), not with this package's helpers. */
function notification(options: { timestamp?: string; signature?: string } = {}) {
  const nonce = "fdasflkja484";
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(world.apiV3Key), Buffer.from(nonce));
  cipher.setAAD(Buffer.from("transaction"));
  const plaintext = JSON.stringify({
    appid: world.appid,
    mchid: world.mchid,
    out_trade_no: "ord_notify_0001",
    transaction_id: "4200000000202505200000000001",
    trade_state: "SUCCESS",
    trade_state_desc: "支付成功",
    amount: { total: 100, payer_total: 100, currency: "CNY", payer_currency: "CNY" },
  });
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]).toString(
    "base64",
  );
  const body = JSON.stringify({
    id: "EV-2018022511223320873",
    create_time: "2025-05-20T13:29:35+08:00",
    resource_type: "encrypt-resource",
    event_type: "TRANSACTION.SUCCESS",
    summary: "支付成功",
    resource: {
      original_type: "transaction",
      algorithm: "AEAD_AES_256_GCM",
      ciphertext,
      associated_data: "transaction",
      nonce,
    },
  });
  const timestamp = options.timestamp ?? String(Math.floor(world.now / 1000));
  const signatureNonce = randomBytes(16).toString("hex");
  const signature =
    options.signature ??
    sign(
      "sha256",
      Buffer.from(`${timestamp}\n${signatureNonce}\n${body}\n`),
      world.platform.privateKey,
    ).toString("base64");
  const headers = {
    "wechatpay-timestamp": timestamp,
    "wechatpay-nonce": signatureNonce,
    "wechatpay-signature": signature,
    "wechatpay-serial": world.publicKeyId,
    "wechatpay-signature-type": "WECHATPAY2-SHA256-RSA2048",
  };
  return { headers, body };
}

describe("createWechatPayClient", () => {
  it("exposes the merchant identity and the keyring it verifies with", () => {
    expect(client.mchid).toBe(world.mchid);
    expect(client.appid).toBe(world.appid);
    expect(client.keyring.knownSerials()).toEqual([world.publicKeyId]);
  });
});

describe("client.notifications.parse (§4)", () => {
  it("verifies and decrypts a payment notification over the raw body, with the client's clock", async () => {
    const { headers, body } = notification();
    const parsed = await client.notifications.parse(headers, Buffer.from(body));
    expect(parsed).toMatchObject({
      kind: "transaction",
      eventType: "TRANSACTION.SUCCESS",
      id: "EV-2018022511223320873",
      resource: { out_trade_no: "ord_notify_0001", trade_state: "SUCCESS", amount: { total: 100 } },
    });
  });

  it("refuses a probe signature (§3.5)", async () => {
    const { headers, body } = notification({ signature: "WECHATPAY/SIGNTEST/abcdef" });
    await expect(client.notifications.parse(headers, body)).rejects.toMatchObject({
      code: "VERIFY_SIGNATURE_PROBE",
    });
  });

  it("refuses a replay older than 5 minutes by the client's clock (§3.3)", async () => {
    const { headers, body } = notification({ timestamp: String(Math.floor(world.now / 1000) - 301) });
    await expect(client.notifications.parse(headers, body)).rejects.toMatchObject({
      code: "VERIFY_TIMESTAMP_OUT_OF_WINDOW",
    });
  });

  it("refuses a body changed after signing", async () => {
    const { headers, body } = notification();
    await expect(
      client.notifications.parse(headers, body.replace("支付成功", "支付失败")),
    ).rejects.toMatchObject({
      code: "VERIFY_SIGNATURE_INVALID",
    });
  });
});

describe("client.requestPayment (§7.1)", () => {
  it("signs appId, timeStamp, nonceStr and package with the merchant key, checked by hand", async () => {
    const params = await client.requestPayment("wx201410272009395522657a690389285100");
    expect(params).toMatchObject({
      appId: world.appid,
      timeStamp: String(Math.floor(world.now / 1000)),
      package: "prepay_id=wx201410272009395522657a690389285100",
      signType: "RSA",
    });
    const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
    expect(
      verify("sha256", Buffer.from(message), world.merchant.publicKey, Buffer.from(params.paySign, "base64")),
    ).toBe(true);
  });

  it("signs the same verifiable paySign when the client signs inline", async () => {
    const inline = createWechatPayClient(
      testClientOptions(world, "https://api.mch.weixin.qq.com", { signing: "inline" }),
    );
    const params = await inline.requestPayment("wx201410272009395522657a690389285100");
    const message = `${params.appId}\n${params.timeStamp}\n${params.nonceStr}\n${params.package}\n`;
    expect(
      verify("sha256", Buffer.from(message), world.merchant.publicKey, Buffer.from(params.paySign, "base64")),
    ).toBe(true);
  });

  it("refuses an empty prepay_id", async () => {
    await expect(client.requestPayment("")).rejects.toMatchObject({
      code: "REQUEST_INVALID",
      field: "prepay_id",
    });
  });
});
