import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

const close = (no: string, body: unknown = { mchid: merchant.mchid }) =>
  callApi(sandbox, merchant, { method: "POST", url: `/v3/pay/transactions/out-trade-no/${no}/close`, body });

async function createOrder() {
  const body = prepayBody(merchant, openid);
  await callApi(sandbox, merchant, { method: "POST", url: "/v3/pay/transactions/jsapi", body });
  return body;
}

describe("POST /v3/pay/transactions/out-trade-no/{out_trade_no}/close (§5.3)", () => {
  it("closes a NOTPAY order with 204 No Content", async () => {
    const { out_trade_no } = await createOrder();
    const answer = await close(out_trade_no);
    expect(answer.status).toBe(204);
    expect(answer.text).toBe("");
    expect(sandbox.admin.getOrder(merchant.mchid, out_trade_no)).toMatchObject({
      state: "CLOSED",
      closedBy: "close",
    });
  });

  it("answers 204 again when closing twice, and for an order that never existed", async () => {
    const { out_trade_no } = await createOrder();
    expect((await close(out_trade_no)).status).toBe(204);
    expect((await close(out_trade_no)).status).toBe(204);
    expect((await close("NEVER-EXISTED")).status).toBe(204);
  });

  it("makes a repeated prepay of the closed order fail with ORDER_CLOSED", async () => {
    const body = await createOrder();
    await close(body.out_trade_no);
    const again = await callApi(sandbox, merchant, {
      method: "POST",
      url: "/v3/pay/transactions/jsapi",
      body,
    });
    expect(again.json).toMatchObject({ code: "ORDER_CLOSED" });
  });

  it("refuses to close a paid order with ORDERPAID, leaving it paid", async () => {
    const { out_trade_no } = await createOrder();
    await markPaid(sandbox.context, findOrder(sandbox.context, merchant.mchid, out_trade_no)!);
    const answer = await close(out_trade_no);
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ code: "ORDERPAID" });
    expect(sandbox.admin.getOrder(merchant.mchid, out_trade_no).state).toBe("SUCCESS");
  });

  it("refuses a repeated prepay of a paid order with ORDERPAID", async () => {
    const body = await createOrder();
    await markPaid(sandbox.context, findOrder(sandbox.context, merchant.mchid, body.out_trade_no)!);
    const again = await callApi(sandbox, merchant, {
      method: "POST",
      url: "/v3/pay/transactions/jsapi",
      body,
    });
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ code: "ORDERPAID" });
  });

  it("checks the format only: the body's mchid and the out_trade_no charset", async () => {
    expect((await close("ORDER-1", {})).json).toMatchObject({
      code: "PARAM_ERROR",
      detail: { field: "/mchid" },
    });
    expect((await close("ORDER-1", { mchid: "1900000000" })).json).toMatchObject({ code: "PARAM_ERROR" });
    expect((await close(encodeURIComponent("ORD#12345"))).json).toMatchObject({ code: "PARAM_ERROR" });
    expect((await close("ORD")).json).toMatchObject({ code: "PARAM_ERROR", detail: { location: "path" } });
  });
});
