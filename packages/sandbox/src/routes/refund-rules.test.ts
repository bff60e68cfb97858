import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callApi,
  createTestMerchant,
  loginOpenid,
  prepayOrder,
  startTestSandbox,
  type TestMerchant,
} from "../../test/test-sandbox.ts";
import type { RunningSandbox } from "../start.ts";

let sandbox: RunningSandbox;
let merchant: TestMerchant;
let openid: string;

beforeAll(async () => {
  sandbox = await startTestSandbox();
  merchant = await createTestMerchant(sandbox, { notifyUrl: "https://refunds.invalid/notify" });
  openid = await loginOpenid(sandbox, merchant);
});
afterAll(() => sandbox.close());

async function paidOrder(total = 1000) {
  const { outTradeNo } = await prepayOrder(sandbox, merchant, openid, { amount: { total } });
  const order = await sandbox.admin.payOrder(merchant.mchid, outTradeNo, { bankType: "CMB_CREDIT" });
  return { outTradeNo, transactionId: order.transactionId!, total };
}

const refundBody = (
  outTradeNo: string,
  refund: number,
  total: number,
  overrides: Record<string, unknown> = {},
) => ({
  out_trade_no: outTradeNo,
  out_refund_no: `R${randomBytes(6).toString("hex")}`,
  reason: "不想要了",
  amount: { refund, total, currency: "CNY" },
  ...overrides,
});
const refund = (body: unknown) =>
  callApi(sandbox, merchant, { method: "POST", url: "/v3/refund/domestic/refunds", body });
const query = (outRefundNo: string) =>
  callApi(sandbox, merchant, {
    method: "GET",
    url: `/v3/refund/domestic/refunds/${encodeURIComponent(outRefundNo)}`,
  });

describe("POST /v3/refund/domestic/refunds and GET .../{out_refund_no} (§5.4, §5.5)", () => {
  it("accepts a refund as PROCESSING in the §5.4 shape, turns the order to REFUND, and answers the same on query", async () => {
    const { outTradeNo, transactionId } = await paidOrder(1000);
    const body = refundBody(outTradeNo, 250, 1000);
    const answer = await refund(body);
    expect(answer.status).toBe(200);
    expect(answer.json).toMatchObject({
      out_refund_no: body.out_refund_no,
      out_trade_no: outTradeNo,
      transaction_id: transactionId,
      channel: "ORIGINAL",
      status: "PROCESSING",
      funds_account: "UNSETTLED",
      user_received_account: expect.stringMatching(/^招商银行信用卡\d{4}$/),
      create_time: expect.stringMatching(/\+08:00$/),
      amount: {
        total: 1000,
        refund: 250,
        payer_total: 1000,
        payer_refund: 250,
        currency: "CNY",
        refund_fee: 2,
      },
    });
    expect((answer.json as { refund_id: string }).refund_id).toMatch(/^50300\d{24}$/);
    expect(answer.json).not.toHaveProperty("success_time");
    expect(sandbox.admin.getOrder(merchant.mchid, outTradeNo).transaction).toMatchObject({
      trade_state: "REFUND",
      trade_state_desc: "转入退款",
    });
    const queried = await query(body.out_refund_no);
    expect(queried.status).toBe(200);
    expect(queried.json).toEqual(answer.json);
  });

  it("refunds the same out_refund_no once: a repeat answers the same refund; other content under it is refused", async () => {
    const { outTradeNo } = await paidOrder(1000);
    const body = refundBody(outTradeNo, 100, 1000);
    const first = (await refund(body)).json as { refund_id: string };
    const again = await refund(body);
    expect(again.status).toBe(200);
    expect((again.json as { refund_id: string }).refund_id).toBe(first.refund_id);
    expect(sandbox.admin.listRefunds({ outTradeNo })).toHaveLength(1);
    const changed = await refund({ ...body, amount: { refund: 200, total: 1000, currency: "CNY" } });
    expect(changed).toMatchObject({ status: 400, json: { code: "INVALID_REQUEST" } });
  });

  it("finds the order by transaction_id too", async () => {
    const { outTradeNo, transactionId } = await paidOrder(300);
    const { out_trade_no: _, ...body } = refundBody(outTradeNo, 300, 300, { transaction_id: transactionId });
    expect(await refund(body)).toMatchObject({ status: 200, json: { out_trade_no: outTradeNo } });
  });

  it("refuses more than was paid with INVALID_REQUEST, counting earlier refunds; a CLOSED one frees its amount", async () => {
    const { outTradeNo } = await paidOrder(1000);
    expect((await refund(refundBody(outTradeNo, 1001, 1000))).json).toMatchObject({
      code: "INVALID_REQUEST",
      message: expect.stringContaining("申请退款金额超过订单可退金额"),
    });
    const closing = refundBody(outTradeNo, 700, 1000);
    await sandbox.admin.setRefundOutcome(merchant.mchid, closing.out_refund_no, { outcome: "CLOSED" });
    expect((await refund(closing)).status).toBe(200);
    await sandbox.admin.advanceClock(60_000); // settles CLOSED
    expect(sandbox.admin.getRefund(merchant.mchid, closing.out_refund_no).status).toBe("CLOSED");
    expect((await refund(refundBody(outTradeNo, 600, 1000))).status).toBe(200);
    await sandbox.admin.advanceClock(60_000);
    const tooMuch = await refund(refundBody(outTradeNo, 401, 1000));
    expect(tooMuch).toMatchObject({ status: 400, json: { code: "INVALID_REQUEST" } });
    expect((await refund(refundBody(outTradeNo, 400, 1000))).status).toBe(200);
  });

  it("requires amount.total to equal the order's total", async () => {
    const { outTradeNo } = await paidOrder(1000);
    const answer = await refund(refundBody(outTradeNo, 10, 999));
    expect(answer).toMatchObject({
      status: 400,
      json: { code: "INVALID_REQUEST", message: expect.stringContaining("1000") },
    });
  });

  it("keeps refunds of one order at least a minute apart: 429 FREQUENCY_LIMITED, then accepted", async () => {
    const { outTradeNo } = await paidOrder(1000);
    expect((await refund(refundBody(outTradeNo, 10, 1000))).status).toBe(200);
    await sandbox.admin.advanceClock(59_999);
    const early = await refund(refundBody(outTradeNo, 10, 1000));
    expect(early).toMatchObject({ status: 429, json: { code: "FREQUENCY_LIMITED" } });
    await sandbox.admin.advanceClock(1);
    expect((await refund(refundBody(outTradeNo, 10, 1000))).status).toBe(200);
  });

  it("accepts at most 50 refunds per order", async () => {
    const { outTradeNo } = await paidOrder(100);
    for (let index = 0; index < 50; index++) {
      expect((await refund(refundBody(outTradeNo, 1, 100))).status).toBe(200);
      await sandbox.admin.advanceClock(60_000);
    }
    const fiftyFirst = await refund(refundBody(outTradeNo, 1, 100));
    expect(fiftyFirst).toMatchObject({
      status: 400,
      json: { code: "INVALID_REQUEST", message: expect.stringContaining("50") },
    });
  });

  it("refuses orders that were not paid, unknown orders, and orders paid more than 365 days ago", async () => {
    const { outTradeNo: unpaid } = await prepayOrder(sandbox, merchant, openid);
    expect((await refund(refundBody(unpaid, 1, 1))).json).toMatchObject({ code: "INVALID_REQUEST" });
    expect(await refund(refundBody("NEVER-CREATED", 1, 1))).toMatchObject({
      status: 404,
      json: { code: "RESOURCE_NOT_EXISTS" },
    });
    const { outTradeNo } = await paidOrder(1000);
    await sandbox.admin.advanceClock(365 * 86_400_000);
    expect((await refund(refundBody(outTradeNo, 1, 1000))).status).toBe(200); // day 365 still counts
    await sandbox.admin.advanceClock(86_400_000);
    expect((await refund(refundBody(outTradeNo, 1, 1000))).json).toMatchObject({
      code: "INVALID_REQUEST",
      message: expect.stringContaining("365"),
    });
  });

  it("answers 403 NOT_ENOUGH when the merchant's balance is short, and accepts the same out_refund_no once topped up", async () => {
    const { outTradeNo } = await paidOrder(1000);
    await sandbox.admin.setMerchantSettings(merchant.mchid, { balanceFen: 500 });
    const body = refundBody(outTradeNo, 1000, 1000);
    expect(await refund(body)).toMatchObject({ status: 403, json: { code: "NOT_ENOUGH" } });
    await sandbox.admin.setMerchantSettings(merchant.mchid, { balanceFen: 100_000 });
    expect((await refund(body)).status).toBe(200);
  });

  it("checks the fields with 400 PARAM_ERROR naming them", async () => {
    const { outTradeNo } = await paidOrder(100);
    const cases: [Record<string, unknown>, string][] = [
      [{ out_refund_no: undefined }, "/out_refund_no"],
      [{ out_refund_no: "bad refund no" }, "/out_refund_no"],
      [{ out_trade_no: undefined }, "/out_trade_no"],
      [{ amount: { refund: 1, total: 100 } }, "/amount/currency"],
      [{ amount: { refund: 0, total: 100, currency: "CNY" } }, "/amount/refund"],
      [{ amount: { refund: 1.5, total: 100, currency: "CNY" } }, "/amount/refund"],
      [{ notify_url: "http://merchant.example/refunds" }, "/notify_url"],
      [{ reason: "理".repeat(81) }, "/reason"],
      [{ funds_account: "BASIC" }, "/funds_account"],
    ];
    for (const [overrides, field] of cases) {
      const answer = await refund(refundBody(outTradeNo, 1, 100, overrides));
      expect(answer.status, field).toBe(400);
      expect(answer.json, field).toMatchObject({ code: "PARAM_ERROR", detail: { field, location: "body" } });
    }
  });

  it("answers 404 RESOURCE_NOT_EXISTS for an unknown out_refund_no, and for another merchant's refund", async () => {
    expect(await query("NO-SUCH-REFUND")).toMatchObject({
      status: 404,
      json: { code: "RESOURCE_NOT_EXISTS" },
    });
    const { outTradeNo } = await paidOrder(100);
    const body = refundBody(outTradeNo, 1, 100);
    await refund(body);
    const other = await createTestMerchant(sandbox, { certificates: false });
    const foreign = await callApi(sandbox, other, {
      method: "GET",
      url: `/v3/refund/domestic/refunds/${body.out_refund_no}`,
    });
    expect(foreign.status).toBe(404);
  });
});
