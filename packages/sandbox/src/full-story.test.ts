import { readFile } from "node:fs/promises";
import {
  createWechatPayClient,
  loadPublicKey,
  parseApiV3Key,
  parseNotification,
  type WechatPayClient,
  WechatPayKeyring,
  type WechatPayNotification,
} from "@kassa/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type NotifyReceiver, startReceiver } from "../test/notify-receiver.ts";
import { cashier, createTestMerchant, startTestSandbox, type TestMerchant } from "../test/test-sandbox.ts";
import type { RunningSandbox } from "./start.ts";

/**
 * Issue 3's full story, through real HTTP and the project's own client pointed at the
 * sandbox by its base URL only: log in, prepay, pay at the cashier with the client's
 * paySign, receive and verify the notification (retried on the ladder while the merchant
 * answers 500), refund, receive REFUND.SUCCESS, download the next day's bill, check its
 * hash, parse it, and find the totals.
 */

let sandbox: RunningSandbox;
let merchant: TestMerchant;
let wechatpay: WechatPayClient;
let receiver: NotifyReceiver;
/** What the merchant's notify handler accepted, verified and decrypted. */
const accepted: WechatPayNotification[] = [];

beforeAll(async () => {
  sandbox = await startTestSandbox({ clock: { start: "2026-05-20T09:30:00+08:00", speed: 0 } });
  merchant = await createTestMerchant(sandbox, { merchantName: "Kassa Tea House" });
  // The merchant's server loads the files the sandbox wrote: both key modes of §3.4.
  const keyring = new WechatPayKeyring({
    clock: () => sandbox.clock.now(),
    publicKey: { id: merchant.wechatpayPublicKeyId, key: loadPublicKey(merchant.wechatpayPublicKeyPem) },
    certificatePems: await Promise.all(
      merchant.view.files.platformCertificates.map((file) => readFile(file, "utf8")),
    ),
  });
  let paymentAttempts = 0;
  receiver = await startReceiver(async (_, request) => {
    let notification: WechatPayNotification;
    try {
      notification = await parseNotification(request.headers as Record<string, string>, request.body, {
        keys: keyring,
        apiV3Key: parseApiV3Key(merchant.apiV3Key),
        now: sandbox.clock.now(),
      });
    } catch {
      return { status: 401, body: '{"code":"FAIL","message":"失败"}' };
    }
    // The merchant's server is down for the payment's first two attempts.
    if (notification.kind === "transaction" && ++paymentAttempts <= 2) return { status: 500 };
    accepted.push(notification);
    return { status: 204 };
  });
  wechatpay = createWechatPayClient({
    mchid: merchant.mchid,
    appid: merchant.appid,
    appSecret: merchant.appSecret,
    merchantSerialNo: merchant.serialNo,
    merchantPrivateKey: merchant.privateKeyPem,
    apiV3Key: merchant.apiV3Key,
    wechatPayPublicKey: { id: merchant.wechatpayPublicKeyId, key: merchant.wechatpayPublicKeyPem },
    baseUrl: sandbox.url,
    backupBaseUrl: null,
    loginBaseUrl: sandbox.url,
    clock: () => sandbox.clock.now(),
    maxRetries: 0,
  });
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});

describe("the full story, with @kassa/wechatpay pointed at the sandbox by its base URL", () => {
  const outTradeNo = "KS2026052009300001";
  let paidAt = 0;

  it("logs in, prepays, and pays at the cashier with the client's wx.requestPayment parameters", async () => {
    const { code } = await sandbox.admin.mintLoginCode({ appid: merchant.appid });
    const { openid } = await wechatpay.login.code2Session(code);
    const { requestPayment } = await wechatpay.jsapi.prepayWithRequestPayment({
      description: "铁观音 x2",
      out_trade_no: outTradeNo,
      notify_url: receiver.url,
      amount: { total: 4800 },
      payer: { openid },
    });
    const shown = await cashier(sandbox, "check", { ...requestPayment });
    expect(shown.json).toMatchObject({
      merchantName: "Kassa Tea House",
      amount: { total: 4800, yuan: "48.00" },
    });
    paidAt = sandbox.clock.now();
    const paid = await cashier(sandbox, "pay", { ...requestPayment, bankType: "CMB_CREDIT" });
    expect(paid.json).toMatchObject({ errMsg: "requestPayment:ok" });
    expect(await wechatpay.transactions.queryByOutTradeNo(outTradeNo)).toMatchObject({
      trade_state: "SUCCESS",
    });
  });

  it("delivers TRANSACTION.SUCCESS: refused twice with 500, accepted on the third attempt, 15 s and 30 s later", async () => {
    await receiver.waitFor(1);
    await sandbox.admin.advanceClock(15_000);
    await receiver.waitFor(2);
    expect(accepted).toHaveLength(0);
    await sandbox.admin.advanceClock(15_000);
    await receiver.waitFor(3);
    expect(accepted).toHaveLength(1);
    const [notification] = accepted;
    expect(notification).toMatchObject({
      kind: "transaction",
      eventType: "TRANSACTION.SUCCESS",
      resource: {
        out_trade_no: outTradeNo,
        trade_state: "SUCCESS",
        bank_type: "CMB_CREDIT",
        amount: { total: 4800, payer_total: 4800 },
      },
    });
    expect(new Set(receiver.received.map((entry) => JSON.parse(entry.body).id))).toEqual(
      new Set([notification!.id]),
    );
    const [record] = sandbox.admin.listNotifications({ outTradeNo });
    expect(record!.attempts.map((attempt) => [attempt.at - paidAt, attempt.status])).toEqual([
      [0, 500],
      [15_000, 500],
      [30_000, 204],
    ]);
    expect(record!.status).toBe("DELIVERED");
  });

  it("refunds through the client, and delivers REFUND.SUCCESS when the refund settles", async () => {
    const refund = await wechatpay.refunds.create({
      out_trade_no: outTradeNo,
      out_refund_no: "KSR2026052009310001",
      reason: "顾客取消",
      notify_url: receiver.url,
      amount: { refund: 1800, total: 4800, currency: "CNY" },
    });
    expect(refund.status).toBe("PROCESSING");
    await sandbox.admin.advanceClock(60_000);
    await receiver.waitFor(4);
    expect(accepted[1]).toMatchObject({
      kind: "refund",
      eventType: "REFUND.SUCCESS",
      resource: {
        out_refund_no: "KSR2026052009310001",
        refund_status: "SUCCESS",
        amount: { refund: 1800, total: 4800 },
      },
    });
    expect(await wechatpay.refunds.queryByOutRefundNo("KSR2026052009310001")).toMatchObject({
      status: "SUCCESS",
    });
    expect(await wechatpay.transactions.queryByOutTradeNo(outTradeNo)).toMatchObject({
      trade_state: "REFUND",
    });
  });

  it("downloads the day's trade bill after 10:00 the next day, hash-checked and parsed, its totals the story's", async () => {
    await sandbox.admin.advanceClock(Date.parse("2026-05-21T10:00:00+08:00") - sandbox.clock.now());
    for (const tar of [{}, { tar_type: "GZIP" as const }]) {
      const bill = await wechatpay.bills.downloadTradeBill({
        bill_date: "2026-05-20",
        bill_type: "ALL",
        ...tar,
      });
      expect(
        bill.rows.map((row) => [row.tradeState, row.outTradeNo, row.settlementTotalFen, row.refundFen]),
      ).toEqual([
        ["SUCCESS", outTradeNo, 4800, 0],
        ["REFUND", outTradeNo, 0, 1800],
      ]);
      expect(bill.summary).toMatchObject({
        tradeCount: 2,
        settlementTotalFen: 4800,
        refundFen: 1800,
        totalFen: 4800,
        feeMilliFen: 28_800 - 10_800,
      });
    }
    const fundFlow = await wechatpay.bills.downloadFundFlowBill({
      bill_date: "2026-05-20",
      account_type: "BASIC",
    });
    expect(fundFlow.summary).toMatchObject({ incomeFen: 4800 + 11, expenseFen: 29 + 1800 });
  });
});
