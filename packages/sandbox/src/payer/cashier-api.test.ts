import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cashier,
  createTestMerchant,
  loginOpenid,
  prepayOrder,
  requestPaymentFor,
  startTestSandbox,
  type TestMerchant,
} from "../../test/test-sandbox.ts";
import { closeOrder } from "../domain/orders.ts";
import { PREPAY_TTL_MS } from "../domain/prepay.ts";
import type { RunningSandbox } from "../start.ts";

let sandbox: RunningSandbox;
let merchant: TestMerchant;
let other: TestMerchant;
let openid: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  [merchant, other] = await Promise.all([
    createTestMerchant(sandbox, { merchantName: "Kassa 咖啡" }),
    createTestMerchant(sandbox, { certificates: false }),
  ]);
  openid = await loginOpenid(sandbox, merchant);
});
afterAll(() => sandbox.close());

async function newPayment(overrides: Record<string, unknown> = {}) {
  const order = await prepayOrder(sandbox, merchant, openid, overrides);
  return { ...order, params: await requestPaymentFor(sandbox, merchant, order.prepayId) };
}

const state = (outTradeNo: string) => sandbox.admin.getOrder(merchant.mchid, outTradeNo).state;

describe("the cashier's JSON API stands in for wx.requestPayment (§7.1)", () => {
  it("shows the merchant's name and the amount in yuan formatted from fen, changing nothing", async () => {
    for (const [total, yuan] of [
      [1, "0.01"],
      [1234, "12.34"],
      [100_000, "1000.00"],
      [1_000_000_07, "1000000.07"],
    ] as const) {
      const { params, outTradeNo } = await newPayment({ amount: { total }, description: "拿铁咖啡 大杯" });
      const answer = await cashier(sandbox, "check", params);
      expect(answer.status).toBe(200);
      expect(answer.json).toMatchObject({
        merchantName: "Kassa 咖啡",
        description: "拿铁咖啡 大杯",
        outTradeNo,
        amount: { total, currency: "CNY", yuan },
      });
      expect(state(outTradeNo)).toBe("NOTPAY");
    }
  });

  it("pays with the chosen bank_type: SUCCESS, a 28-digit transaction_id, success_time, payer and payer_total", async () => {
    const { params, outTradeNo } = await newPayment({ amount: { total: 2500 } });
    const answer = await cashier(sandbox, "pay", { ...params, bankType: "CMB_CREDIT" });
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      errMsg: "requestPayment:ok",
      tradeState: "SUCCESS",
      bankType: "CMB_CREDIT",
    });
    const order = sandbox.admin.getOrder(merchant.mchid, outTradeNo);
    expect(order.transaction).toMatchObject({
      trade_state: "SUCCESS",
      bank_type: "CMB_CREDIT",
      payer: { openid },
      amount: { total: 2500, payer_total: 2500 },
      success_time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/),
    });
    expect(order.transaction.transaction_id).toMatch(/^42000\d{23}$/);
    expect(order.payerActions).toEqual([expect.objectContaining({ action: "pay", bankType: "CMB_CREDIT" })]);
    // the TRANSACTION.SUCCESS notification is scheduled for the order's notify_url
    expect(sandbox.admin.listNotifications({ outTradeNo })).toEqual([
      expect.objectContaining({ eventType: "TRANSACTION.SUCCESS", mchid: merchant.mchid }),
    ]);
  });

  it("pays with OTHERS (the WeChat balance) when no bank_type is chosen, and refuses a malformed one", async () => {
    const { params, outTradeNo } = await newPayment();
    expect((await cashier(sandbox, "pay", { ...params, bankType: "cmb credit" })).json).toMatchObject({
      code: "PAYMENT_REQUEST_INVALID",
    });
    expect(state(outTradeNo)).toBe("NOTPAY");
    await cashier(sandbox, "pay", params);
    expect(sandbox.admin.getOrder(merchant.mchid, outTradeNo).transaction.bank_type).toBe("OTHERS");
  });

  it("answers requestPayment:fail cancel on cancel, and the order stays NOTPAY and payable", async () => {
    const { params, outTradeNo } = await newPayment();
    const answer = await cashier(sandbox, "cancel", params);
    expect(answer).toMatchObject({
      status: 200,
      json: { errMsg: "requestPayment:fail cancel", tradeState: "NOTPAY" },
    });
    expect(state(outTradeNo)).toBe("NOTPAY");
    expect((await cashier(sandbox, "pay", params)).json).toMatchObject({ errMsg: "requestPayment:ok" });
  });

  it.each([
    ["INSUFFICIENT_BALANCE", "余额不足"],
    ["WRONG_PASSWORD", "支付密码错误"],
    ["ACCOUNT_FROZEN", "账户已被冻结"],
  ])(
    "fails with %s: the answer says why and the order stays NOTPAY, without a notification",
    async (reason, words) => {
      const { params, outTradeNo } = await newPayment();
      const answer = await cashier(sandbox, "fail", { ...params, reason });
      expect(answer.json).toMatchObject({
        errMsg: `requestPayment:fail ${words}`,
        reason,
        tradeState: "NOTPAY",
      });
      expect(answer.json.message).toMatch(/NOTPAY/);
      expect(state(outTradeNo)).toBe("NOTPAY");
      expect(sandbox.admin.listNotifications({ outTradeNo })).toEqual([]);
    },
  );

  it("refuses a failure reason it does not know", async () => {
    const { params } = await newPayment();
    expect((await cashier(sandbox, "fail", { ...params, reason: "SOLAR_FLARE" })).json).toMatchObject({
      code: "PAYMENT_REQUEST_INVALID",
    });
  });

  it("refuses a paySign that does not verify with the merchant's certificate, changing nothing", async () => {
    const { params, outTradeNo } = await newPayment();
    const forged = await requestPaymentFor(sandbox, other, params.package.slice("prepay_id=".length));
    for (const bad of [
      { ...params, paySign: forged.paySign, nonceStr: forged.nonceStr, timeStamp: forged.timeStamp },
      { ...params, nonceStr: `${params.nonceStr.slice(0, -1)}${params.nonceStr.endsWith("A") ? "B" : "A"}` }, // not the nonce signed
    ]) {
      const answer = await cashier(sandbox, "pay", bad);
      expect(answer.status).toBe(400);
      expect(answer.json).toMatchObject({
        code: "PAY_SIGN_INVALID",
        errMsg: "requestPayment:fail PAY_SIGN_INVALID",
      });
    }
    expect(state(outTradeNo)).toBe("NOTPAY");
  });

  it("refuses an appId other than the prepay's (§7.1), even with a paySign made over it", async () => {
    const { params, prepayId, outTradeNo } = await newPayment();
    const otherApp = await requestPaymentFor(sandbox, { ...merchant, appid: other.appid }, prepayId);
    const answer = await cashier(sandbox, "pay", otherApp);
    expect(answer).toMatchObject({ status: 400, json: { code: "APPID_MISMATCH" } });
    expect(answer.json.message).toContain(merchant.appid);
    expect(state(outTradeNo)).toBe("NOTPAY");
    expect((await cashier(sandbox, "pay", params)).status).toBe(200);
  });

  it("refuses an expired prepay_id (2 hours) with PREPAY_EXPIRED; a fresh prepay_id pays the same order", async () => {
    const { params, outTradeNo } = await newPayment();
    await sandbox.admin.advanceClock(PREPAY_TTL_MS);
    const answer = await cashier(sandbox, "pay", params);
    expect(answer).toMatchObject({ status: 410, json: { code: "PREPAY_EXPIRED" } });
    const body = { out_trade_no: outTradeNo };
    const again = await prepayOrder(sandbox, merchant, openid, body);
    expect(
      (await cashier(sandbox, "pay", await requestPaymentFor(sandbox, merchant, again.prepayId))).status,
    ).toBe(200);
  });

  it("refuses to pay an order twice, or a closed one, with ORDER_NOT_PAYABLE", async () => {
    const paid = await newPayment();
    await cashier(sandbox, "pay", paid.params);
    expect((await cashier(sandbox, "pay", paid.params)).json).toMatchObject({ code: "ORDER_NOT_PAYABLE" });
    const closed = await newPayment();
    await closeOrder(sandbox.context, merchant.mchid, closed.outTradeNo);
    expect((await cashier(sandbox, "pay", closed.params)).json).toMatchObject({ code: "ORDER_NOT_PAYABLE" });
  });

  it("refuses an unknown prepay_id, a millisecond timeStamp, a signType other than RSA, and a missing field", async () => {
    const { params } = await newPayment();
    expect((await cashier(sandbox, "check", { ...params, package: "prepay_id=wx0000" })).json).toMatchObject({
      code: "PREPAY_NOT_FOUND",
    });
    for (const bad of [
      { ...params, timeStamp: `${params.timeStamp}000` },
      { ...params, signType: "MD5" },
      { ...params, package: params.package.replace("prepay_id=", "") },
      { ...params, paySign: undefined },
    ]) {
      const answer = await cashier(sandbox, "check", bad);
      expect(answer).toMatchObject({ status: 400, json: { code: "PAYMENT_REQUEST_INVALID" } });
    }
    const notJson = await fetch(`${sandbox.url}/cashier/api/check`, { method: "POST", body: "{" });
    expect(notJson.status).toBe(400);
  });
});
