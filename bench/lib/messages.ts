import { createCipheriv, type KeyObject, randomBytes, sign } from "node:crypto";
import type { JsapiPrepayRequest } from "@kassa/wechatpay";

/**
 * The data every implementation works on, built by hand with node:crypto (never with the
 * code under test): a realistic prepay body, a small signed answer and a signed,
 * encrypted payment notification.
 */

export const PREPAY_PATH = "/v3/pay/transactions/jsapi";
export const PREPAY_URL = `https://api.mch.weixin.qq.com${PREPAY_PATH}`;
export const OUT_TRADE_NO = "ord_01J9ZK3Q7C4M8N2P5R6S";
export const PREPAY_ID = "wx2611283452906519f0b1e1c1d9a1f20000";

/** §5.1 with the optional fields a shop commonly sends; 590 B once appid and mchid are added. */
export function prepayRequest(): JsapiPrepayRequest {
  return {
    description: "Kassa 示例店-精品咖啡豆 250g ×2 与手冲滤杯套装",
    out_trade_no: OUT_TRADE_NO,
    time_expire: "2026-11-27T10:34:56+08:00",
    attach: "order=ord_01J9ZK3Q7C4M8N2P5R6S&channel=miniprogram",
    notify_url: "https://pay.example.com/v1/channels/wechatpay/notifications/1900000001",
    goods_tag: "WXG",
    amount: { total: 12800, currency: "CNY" },
    payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
    scene_info: { payer_client_ip: "14.23.150.211", device_id: "013467007045764" },
    settle_info: { profit_sharing: false },
  };
}

/** A 97-byte answer body, the size of the response message in perf-baselines.md §2. */
export const RESPONSE_BODY = `{"prepay_id":"${PREPAY_ID}","request_trace":"7f3c9a1e2b4d6f80a1b2c3d4e5"}`;

/** §4.3: the decrypted transaction of a payment notification, about 1 KB. */
export function paidTransaction(appid: string, mchid: string): Record<string, unknown> {
  return {
    appid,
    mchid,
    out_trade_no: OUT_TRADE_NO,
    transaction_id: "4200001234202611271234567890",
    trade_type: "JSAPI",
    trade_state: "SUCCESS",
    trade_state_desc: "支付成功",
    bank_type: "CMC",
    attach: "order=ord_01J9ZK3Q7C4M8N2P5R6S&channel=miniprogram",
    success_time: "2026-11-27T10:05:12+08:00",
    payer: { openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o" },
    amount: { total: 12800, payer_total: 11800, currency: "CNY", payer_currency: "CNY" },
    scene_info: { device_id: "013467007045764" },
    promotion_detail: [
      {
        coupon_id: "109519",
        name: "新客立减",
        scope: "GLOBAL",
        type: "CASH",
        amount: 1000,
        stock_id: "931386",
        wechatpay_contribute: 0,
        merchant_contribute: 1000,
        other_contribute: 0,
        currency: "CNY",
        goods_detail: [
          {
            goods_id: "sku_1001",
            quantity: 2,
            unit_price: 5400,
            discount_amount: 800,
            goods_remark: "咖啡豆",
          },
          { goods_id: "sku_2002", quantity: 1, unit_price: 2000, discount_amount: 200, goods_remark: "滤杯" },
        ],
      },
    ],
  };
}

/** §4.1 envelope, its resource encrypted as WeChat Pay does (§4.2): Base64(ciphertext ‖ tag). */
export function notificationBody(apiV3Key: string, transaction: Record<string, unknown>): string {
  const nonce = "fdasflkja484";
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(apiV3Key, "utf8"), Buffer.from(nonce, "utf8"));
  cipher.setAAD(Buffer.from("transaction", "utf8"));
  const sealed = Buffer.concat([
    cipher.update(JSON.stringify(transaction)),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  return JSON.stringify({
    id: "EV-2018022511223320873",
    create_time: "2026-11-27T10:05:13+08:00",
    resource_type: "encrypt-resource",
    event_type: "TRANSACTION.SUCCESS",
    summary: "支付成功",
    resource: {
      original_type: "transaction",
      algorithm: "AEAD_AES_256_GCM",
      ciphertext: sealed.toString("base64"),
      associated_data: "transaction",
      nonce,
    },
  });
}

/** A body with WeChat Pay's signature headers (§3.1, §3.2), signed by hand. */
export interface SignedMessage {
  body: string;
  bodyBytes: Buffer;
  timestamp: string;
  nonce: string;
  signature: string;
  serial: string;
  /** Header names as a server writes them (an axios adapter's raw headers). */
  headers: Record<string, string>;
  /** Lower-cased, as Node's `IncomingMessage#headers` gives them to a notification route. */
  nodeHeaders: Record<string, string>;
  /** As `fetch` gives them to a transport. */
  fetchHeaders: Headers;
}

export function signAsWechatPayByHand(
  privateKey: KeyObject,
  serial: string,
  body: string,
  nowMs: number,
): SignedMessage {
  const timestamp = String(Math.floor(nowMs / 1000));
  const nonce = randomBytes(16).toString("hex");
  const signature = sign("sha256", Buffer.from(`${timestamp}\n${nonce}\n${body}\n`), privateKey).toString(
    "base64",
  );
  const headers = {
    "Content-Type": "application/json",
    "Request-ID": `08F4${nonce.slice(0, 12).toUpperCase()}`,
    "Wechatpay-Nonce": nonce,
    "Wechatpay-Serial": serial,
    "Wechatpay-Signature": signature,
    "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
    "Wechatpay-Timestamp": timestamp,
  };
  const nodeHeaders = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    body,
    bodyBytes: Buffer.from(body),
    timestamp,
    nonce,
    signature,
    serial,
    headers,
    nodeHeaders,
    fetchHeaders: new Headers(headers),
  };
}

/** The same headers over a body changed by one character: every verifier must refuse it. */
export function withTamperedBody(message: SignedMessage): SignedMessage {
  const body = message.body.replace("SUCCESS", "SUCCESs").replace("prepay_id", "prepay_iD");
  return { ...message, body, bodyBytes: Buffer.from(body) };
}
