import { readFile } from "node:fs/promises";
import { createWechatPayClient, loadPublicKey, verifyPaySign, type WechatPayClient } from "@kassa/wechatpay";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestMerchant, startTestSandbox, type TestMerchant } from "../test/test-sandbox.ts";
import { findOrder, markPaid } from "./domain/orders.ts";
import type { RunningSandbox } from "./start.ts";

/**
 * The project's own WeChat Pay client, pointed at the sandbox by its base URL only:
 * "any client that follows WeChat's documentation must work against it by changing only
 * the base URL" (issue 3). Both key modes of §3.4.
 */

let sandbox: RunningSandbox;
let merchant: TestMerchant;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  merchant = await createTestMerchant(sandbox);
});
afterAll(() => sandbox.close());

function client(mode: "public-key" | "certificates"): WechatPayClient {
  return createWechatPayClient({
    mchid: merchant.mchid,
    appid: merchant.appid,
    merchantSerialNo: merchant.serialNo,
    merchantPrivateKey: merchant.privateKeyPem,
    apiV3Key: merchant.apiV3Key,
    appSecret: merchant.appSecret,
    ...(mode === "public-key"
      ? { wechatPayPublicKey: { id: merchant.wechatpayPublicKeyId, key: merchant.wechatpayPublicKeyPem } }
      : { platformCertificates: "download" as const }),
    baseUrl: sandbox.url,
    backupBaseUrl: null,
    loginBaseUrl: sandbox.url,
    clock: () => sandbox.clock.now(),
    maxRetries: 0,
  });
}

describe.each(["public-key", "certificates"] as const)("the @kassa/wechatpay client in %s mode", (mode) => {
  it("logs in, prepays, gets wx.requestPayment parameters the payer can verify, queries, and closes", async () => {
    const wechatpay = client(mode);
    const { code } = await sandbox.admin.mintLoginCode({ appid: merchant.appid });
    const { openid } = await wechatpay.login.code2Session(code);
    const outTradeNo = `PAY-${mode.slice(0, 4)}-${sandbox.clock.now()}`;
    const prepaid = await wechatpay.jsapi.prepayWithRequestPayment({
      description: "Kassa client test",
      out_trade_no: outTradeNo,
      notify_url: "http://127.0.0.1:3000/notify/wechatpay",
      amount: { total: 990 },
      payer: { openid },
    });
    const merchantCertificate = loadPublicKey(await readFile(merchant.view.files.certificate, "utf8"));
    expect(verifyPaySign(prepaid.requestPayment, merchantCertificate)).toBe(true);
    expect(await wechatpay.transactions.queryByOutTradeNo(outTradeNo)).toMatchObject({
      trade_state: "NOTPAY",
    });
    await markPaid(sandbox.context, findOrder(sandbox.context, merchant.mchid, outTradeNo)!);
    const paid = await wechatpay.transactions.queryByOutTradeNo(outTradeNo);
    expect(paid).toMatchObject({ trade_state: "SUCCESS", amount: { total: 990 } });
    expect(await wechatpay.transactions.queryById(paid.transaction_id!)).toEqual(paid);
    const unpaid = `CLOSE-${mode.slice(0, 4)}-${sandbox.clock.now()}`;
    await wechatpay.jsapi.prepay({
      description: "to close",
      out_trade_no: unpaid,
      notify_url: "http://127.0.0.1:3000/notify/wechatpay",
      amount: { total: 1 },
      payer: { openid },
    });
    await wechatpay.transactions.close(unpaid);
    expect(sandbox.admin.getOrder(merchant.mchid, unpaid).state).toBe("CLOSED");
  });
});
