import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  callApi,
  createTestMerchant,
  loginOpenid,
  prepayBody,
  startTestSandbox,
  type TestMerchant,
} from "../../test/test-sandbox.ts";
import type { RunningSandbox } from "../start.ts";
import { findOrder, markPaid } from "./orders.ts";
import { findPrepay, PREPAY_TTL_MS } from "./prepay.ts";

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
  const body = prepayBody(merchant, openid, overrides);
  const answer = await callApi(sandbox, merchant, {
    method: "POST",
    url: "/v3/pay/transactions/jsapi",
    body,
  });
  expect(answer.status).toBe(200);
  return { outTradeNo: body.out_trade_no, prepayId: (answer.json as { prepay_id: string }).prepay_id, body };
}

const rfc3339In = (ms: number) =>
  new Date(sandbox.clock.now() + ms).toISOString().replace(/\.\d+Z$/, "+00:00");

describe("virtual time drives prepay ids and orders", () => {
  it("expires a prepay_id 2 hours after it was issued, not a millisecond earlier", async () => {
    const { prepayId } = await createOrder();
    await sandbox.admin.advanceClock(PREPAY_TTL_MS - 1);
    expect(findPrepay(sandbox.context, prepayId)).toMatchObject({
      payable: true,
      prepay: { status: "ACTIVE" },
    });
    const { fired } = await sandbox.admin.advanceClock(1);
    expect(fired).toContainEqual(expect.objectContaining({ kind: "prepay.expire" }));
    expect(findPrepay(sandbox.context, prepayId)).toMatchObject({
      payable: false,
      prepay: { status: "EXPIRED" },
    });
  });

  it("closes a NOTPAY order when the clock reaches its time_expire, and a query then says CLOSED", async () => {
    const { outTradeNo, body } = await createOrder({ time_expire: rfc3339In(30 * 60_000) });
    await sandbox.admin.advanceClock(30 * 60_000 - 1000);
    expect(sandbox.admin.getOrder(merchant.mchid, outTradeNo).state).toBe("NOTPAY");
    await sandbox.admin.advanceClock(1000);
    expect(sandbox.admin.getOrder(merchant.mchid, outTradeNo)).toMatchObject({
      state: "CLOSED",
      closedBy: "expire",
    });
    const query = await callApi(sandbox, merchant, {
      method: "GET",
      url: `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${merchant.mchid}`,
    });
    expect(query.json).toMatchObject({ trade_state: "CLOSED", trade_state_desc: "订单已关闭" });
    const again = await callApi(sandbox, merchant, {
      method: "POST",
      url: "/v3/pay/transactions/jsapi",
      body,
    });
    expect(again.status).toBe(400);
    expect(again.json).toMatchObject({ code: "ORDER_CLOSED" });
  });

  it("fires due jobs in time order, each seeing the clock at its due time", async () => {
    const lateExpire = rfc3339In(20 * 60_000);
    const earlyExpire = rfc3339In(10 * 60_000);
    const late = await createOrder({ time_expire: lateExpire });
    const early = await createOrder({ time_expire: earlyExpire });
    const { fired } = await sandbox.admin.advanceClock(PREPAY_TTL_MS);
    const expiries = fired.filter((job) => job.kind === "order.expire");
    expect(expiries.map((job) => job.dueAt)).toEqual([Date.parse(earlyExpire), Date.parse(lateExpire)]);
    const order = (no: string) => findOrder(sandbox.context, merchant.mchid, no)!;
    expect(order(early.outTradeNo).stateChangedAt).toBe(Date.parse(earlyExpire));
    expect(order(late.outTradeNo).stateChangedAt).toBe(Date.parse(lateExpire));
  });

  it("a paid order never expires: paying cancels its expiry", async () => {
    const { outTradeNo } = await createOrder({ time_expire: rfc3339In(5 * 60_000) });
    const order = findOrder(sandbox.context, merchant.mchid, outTradeNo)!;
    await markPaid(sandbox.context, order, "CMB_CREDIT");
    await sandbox.admin.advanceClock(10 * 60_000);
    expect(sandbox.admin.getOrder(merchant.mchid, outTradeNo).state).toBe("SUCCESS");
  });

  it("refuses to mark an order paid once its time_expire has passed", async () => {
    const { outTradeNo } = await createOrder({ time_expire: rfc3339In(2 * 60_000) });
    const order = findOrder(sandbox.context, merchant.mchid, outTradeNo)!;
    await sandbox.admin.advanceClock(2 * 60_000);
    await expect(markPaid(sandbox.context, order)).rejects.toMatchObject({
      code: "ORDER_TRANSITION_REFUSED",
    });
  });

  it("refuses requests stamped with the real time after the clock moved: clients sign with the sandbox clock", async () => {
    await sandbox.admin.advanceClock(3600_000);
    const answer = await callApi(sandbox, merchant, {
      method: "GET",
      url: `/v3/pay/transactions/out-trade-no/ANY-ORDER?mchid=${merchant.mchid}`,
      timestamp: Math.floor(Date.now() / 1000),
    });
    expect(answer.status).toBe(401);
  });
});
