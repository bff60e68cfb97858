import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import { buildNotificationBody, parseApiV3Key, signAsWechatPay } from "@kassa/wechatpay";
import { DEMO_MERCHANT } from "../src/channels/demo-sandbox.ts";
import type { KassaUnderTest } from "./kassa-harness.ts";

export interface HandMadeNotification {
  headers: Record<string, string>;
  body: string;
}

export interface NotificationOptions {
  outTradeNo: string;
  amountFen: number;
  id?: string;
  appid?: string;
  mchid?: string;
  /** Sign with a key WeChat Pay does not have (a forgery under the right serial). */
  forged?: boolean;
  /** Seconds to move the signature's timestamp (negative: older). */
  timestampShift?: number;
}

/**
 * A TRANSACTION.SUCCESS notification made by hand in the test with the simulator's own
 * platform key and the merchant's APIv3 key (§4), so tests can deliver genuine, forged,
 * stale and tampered ones on purpose.
 */
export async function paymentNotification(
  kassa: KassaUnderTest,
  options: NotificationOptions,
): Promise<HandMadeNotification> {
  const merchant = kassa.sandbox.context.tables.merchants.get(DEMO_MERCHANT.mchid);
  if (!merchant) throw new Error("the demo merchant is missing");
  const now = kassa.sandbox.clock.now();
  const body = buildNotificationBody(
    parseApiV3Key(merchant.apiV3Key),
    {
      eventType: "TRANSACTION.SUCCESS",
      originalType: "transaction",
      ...(options.id ? { id: options.id } : {}),
      resource: {
        appid: options.appid ?? merchant.appid,
        mchid: options.mchid ?? merchant.mchid,
        out_trade_no: options.outTradeNo,
        transaction_id: `4200000${String(now).padStart(21, "0")}`.slice(0, 28),
        trade_type: "JSAPI",
        trade_state: "SUCCESS",
        trade_state_desc: "支付成功",
        bank_type: "OTHERS",
        success_time: new Date(now).toISOString().replace(/\.\d+Z$/, "+00:00"),
        payer: { openid: "o-test-payer" },
        amount: {
          total: options.amountFen,
          payer_total: options.amountFen,
          currency: "CNY",
          payer_currency: "CNY",
        },
      },
    },
    now,
  );
  const privateKey = options.forged
    ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
    : createPrivateKey(merchant.wechatpayPublicKey.privateKeyPem);
  const headers = await signAsWechatPay(
    { serial: merchant.wechatpayPublicKey.id, privateKey },
    body,
    now + (options.timestampShift ?? 0) * 1000,
  );
  return { headers: { ...headers, "content-type": "application/json" }, body };
}

/** Deliver to `path`: the default app's own notify URL unless a test names another. */
export async function deliver(
  kassa: KassaUnderTest,
  notification: HandMadeNotification,
  path = "/notify/wechatpay/app_default",
): Promise<number> {
  const response = await fetch(`${kassa.url}${path}`, {
    method: "POST",
    headers: notification.headers,
    body: notification.body,
  });
  await response.arrayBuffer();
  return response.status;
}

export interface RefundNotificationOptions {
  outTradeNo: string;
  outRefundNo: string;
  /** The refund's amount as the notification states it. */
  refundFen: number;
  totalFen: number;
  status?: "SUCCESS" | "CLOSED" | "ABNORMAL";
  id?: string;
  forged?: boolean;
  /** Another merchant's mchid in the decrypted resource. */
  mchid?: string;
}

/** A REFUND.* notification (§4.4) made by hand, signed and encrypted as the simulator would. */
export async function refundNotification(
  kassa: KassaUnderTest,
  options: RefundNotificationOptions,
): Promise<HandMadeNotification> {
  const merchant = kassa.sandbox.context.tables.merchants.get(DEMO_MERCHANT.mchid);
  if (!merchant) throw new Error("the demo merchant is missing");
  const now = kassa.sandbox.clock.now();
  const status = options.status ?? "SUCCESS";
  const body = buildNotificationBody(
    parseApiV3Key(merchant.apiV3Key),
    {
      eventType: `REFUND.${status}`,
      originalType: "refund",
      ...(options.id ? { id: options.id } : {}),
      resource: {
        mchid: options.mchid ?? merchant.mchid,
        out_trade_no: options.outTradeNo,
        transaction_id: `4200000${String(now).padStart(21, "0")}`.slice(0, 28),
        out_refund_no: options.outRefundNo,
        refund_id: `50300${String(now).padStart(24, "0")}`.slice(0, 29),
        refund_status: status,
        ...(status === "SUCCESS"
          ? { success_time: new Date(now).toISOString().replace(/\.\d+Z$/, "+00:00") }
          : {}),
        user_received_account: "支付用户零钱",
        amount: {
          total: options.totalFen,
          refund: options.refundFen,
          payer_total: options.totalFen,
          payer_refund: options.refundFen,
        },
      },
    },
    now,
  );
  const privateKey = options.forged
    ? generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
    : createPrivateKey(merchant.wechatpayPublicKey.privateKeyPem);
  const headers = await signAsWechatPay({ serial: merchant.wechatpayPublicKey.id, privateKey }, body, now);
  return { headers: { ...headers, "content-type": "application/json" }, body };
}
