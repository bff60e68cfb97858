import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyResponseByHand } from "../../test/hand-signing.ts";
import {
  callApi,
  createTestMerchant,
  loginOpenid,
  prepayBody,
  startTestSandbox,
  type TestMerchant,
} from "../../test/test-sandbox.ts";
import { findOrder, markPaid } from "../domain/orders.ts";
import type { RunningSandbox } from "../start.ts";

let sandbox: RunningSandbox;
let merchant: TestMerchant;
let openid: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  merchant = await createTestMerchant(sandbox);
  openid = await loginOpenid(sandbox, merchant);
});
afterAll(() => sandbox.close());

async function createOrder(overrides: Record<string, unknown> = {}) {
  const body = prepayBody(merchant, openid, { amount: { total: 2500 }, attach: "cart=42", ...overrides });
  expect(
    (await callApi(sandbox, merchant, { method: "POST", url: "/v3/pay/transactions/jsapi", body })).status,
  ).toBe(200);
  return body.out_trade_no;
}

const byOutTradeNo = (no: string, m = merchant) =>
  callApi(sandbox, m, {
    method: "GET",
    url: `/v3/pay/transactions/out-trade-no/${encodeURIComponent(no)}?mchid=${m.mchid}`,
  });

describe("GET /v3/pay/transactions/out-trade-no/{out_trade_no} and /id/{transaction_id} (§5.2)", () => {
  it("answers an unpaid order without transaction_id, and without attach until it is paid", async () => {
    const no = await createOrder();
    const answer = await byOutTradeNo(no);
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      appid: merchant.appid,
      mchid: merchant.mchid,
      out_trade_no: no,
      trade_state: "NOTPAY",
      trade_state_desc: "订单未支付",
      payer: { openid },
      amount: { total: 2500, currency: "CNY", payer_currency: "CNY" },
      promotion_detail: [],
    });
  });

  it("answers a paid order with a 28-digit 42000 transaction_id, found by either query", async () => {
    const no = await createOrder();
    await markPaid(sandbox.context, findOrder(sandbox.context, merchant.mchid, no)!, "CMB_CREDIT");
    const answer = await byOutTradeNo(no);
    const transaction = answer.json as Record<string, unknown>;
    expect(transaction).toMatchObject({
      trade_state: "SUCCESS",
      trade_state_desc: "支付成功",
      trade_type: "JSAPI",
      bank_type: "CMB_CREDIT",
      attach: "cart=42",
      amount: { total: 2500, payer_total: 2500, currency: "CNY", payer_currency: "CNY" },
    });
    expect(transaction.transaction_id).toMatch(/^42000\d{23}$/);
    expect(transaction.success_time).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    const byId = await callApi(sandbox, merchant, {
      method: "GET",
      url: `/v3/pay/transactions/id/${transaction.transaction_id}?mchid=${merchant.mchid}`,
    });
    expect(byId.json).toEqual(transaction);
    expect(verifyResponseByHand(byId.headers, byId.text, merchant.wechatpayPublicKeyPem)).toBe(false); // certificate mode
  });

  it("finds an out_trade_no with | and * sent percent-encoded", async () => {
    const no = await createOrder({ out_trade_no: "A|B*C-123" });
    const answer = await byOutTradeNo(no);
    expect(answer.json).toMatchObject({ out_trade_no: "A|B*C-123" });
  });

  it("answers 404 ORDER_NOT_EXIST for an unknown order, and for another merchant's order", async () => {
    expect((await byOutTradeNo("NEVER-CREATED")).json).toMatchObject({ code: "ORDER_NOT_EXIST" });
    const no = await createOrder();
    const other = await createTestMerchant(sandbox);
    const answer = await byOutTradeNo(no, other);
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ code: "ORDER_NOT_EXIST" });
    const unknownId = await callApi(sandbox, merchant, {
      method: "GET",
      url: `/v3/pay/transactions/id/4200000000202501010000000000?mchid=${merchant.mchid}`,
    });
    expect(unknownId.status).toBe(404);
  });

  it("answers 500 INVALID_TRANSACTIONID for a transaction_id that is not a WeChat order number", async () => {
    const answer = await callApi(sandbox, merchant, {
      method: "GET",
      url: `/v3/pay/transactions/id/not-a-number?mchid=${merchant.mchid}`,
    });
    expect(answer.status).toBe(500);
    expect(answer.json).toMatchObject({ code: "INVALID_TRANSACTIONID" });
  });

  it("requires the mchid query parameter, equal to the signer's", async () => {
    const missing = await callApi(sandbox, merchant, {
      method: "GET",
      url: "/v3/pay/transactions/out-trade-no/ORDER-1",
    });
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({
      code: "PARAM_ERROR",
      detail: { field: "mchid", location: "query" },
    });
    const wrong = await callApi(sandbox, merchant, {
      method: "GET",
      url: "/v3/pay/transactions/out-trade-no/ORDER-1?mchid=1900000000",
    });
    expect(wrong.json).toMatchObject({ code: "PARAM_ERROR", detail: { field: "mchid" } });
  });

  it("refuses a malformed out_trade_no in the path with PARAM_ERROR", async () => {
    const answer = await byOutTradeNo("bad#1");
    expect(answer.json).toMatchObject({ code: "PARAM_ERROR", detail: { location: "path" } });
  });
});
