import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { claimPrepayLease, findPaymentOfOrder } from "../../src/db/payments-repo.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * Issue 7, item 1: a cancel that lands while a pay call's prepay is still on its way to
 * WeChat Pay. Before the fix, the close saw "not found" at the channel, released the stock
 * and answered CLOSED; then the prepay landed, was stored, and /pay handed out valid
 * wx.requestPayment parameters for the CLOSED order. The payer could pay it.
 */
let kassa: KassaUnderTest;
let token: string;
const PRODUCT = "prd_mooncake";

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  token = await kassa.login();
});
afterAll(async () => {
  await kassa?.close();
});
// Every money flow ends with books that hold (issue 9 §1).
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));
beforeEach(() => {
  kassa.sandbox.admin.clearFaults();
});

type OrderBody = { id: string; status: string; amountFen: number };

async function newOrder(): Promise<OrderBody> {
  const answer = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: PRODUCT, quantity: 1 }] },
  });
  expect(answer.status).toBe(201);
  return answer.body as OrderBody;
}

const pay = (id: string) => kassa.request("POST", `/v1/orders/${id}/pay`, { token });
const cancel = (id: string) => kassa.request("POST", `/v1/orders/${id}/cancel`, { token });
const statusOf = async (id: string) =>
  ((await kassa.request("GET", `/v1/orders/${id}`, { token })).body as OrderBody).status;
const channelOrders = (id: string) =>
  kassa.sandbox.admin.listOrders({ mchid: DEMO_MERCHANT.mchid }).filter((o) => o.outTradeNo === id);
const stock = async () =>
  (
    await kassa.running.kassa.deps.db
      .selectFrom("products")
      .select("stock")
      .where("id", "=", PRODUCT)
      .executeTakeFirstOrThrow()
  ).stock;

/** Resolves once a pay call holds the prepay lease, i.e. its prepay is on the way. */
async function untilPrepayInFlight(orderId: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    const payment = await findPaymentOfOrder(kassa.running.kassa.deps.db, orderId);
    if (payment?.prepayLeaseUntil) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("the pay call never took the prepay lease");
}

/** The payer tries to pay at the channel; a closed order there refuses. */
async function payerCanPay(outTradeNo: string): Promise<boolean> {
  try {
    await kassa.sandbox.admin.payOrder(DEMO_MERCHANT.mchid, outTradeNo);
    return true;
  } catch {
    return false;
  }
}

describe("a cancel while a prepay is in flight never lets the payer pay a closed order", () => {
  it("keeps the order CLOSING until the slow prepay lands, refuses to hand it out, and closes it at the channel", async () => {
    const before = await stock();
    const order = await newOrder();
    kassa.sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "delay", delayMs: 800, times: 1 });
    const paying = pay(order.id);
    await untilPrepayInFlight(order.id);

    const cancelled = await cancel(order.id);
    expect(cancelled.body).toMatchObject({ status: "CLOSING" });
    expect(await stock()).toBe(before - 1); // nothing released while the prepay may land

    const paid = await paying;
    expect(paid.status).toBe(409);
    expect(paid.body).toMatchObject({ code: "ORDER_NOT_PAYABLE" });
    expect(await statusOf(order.id)).toBe("CLOSED");
    expect(channelOrders(order.id).map((o) => o.state)).toEqual(["CLOSED"]);
    expect(await payerCanPay(order.id)).toBe(false);
    expect(await stock()).toBe(before);
    // Asking again changes nothing: still no parameters for a closed order.
    expect((await pay(order.id)).status).toBe(409);
  });

  it("does the same when the first prepay attempt's connection is reset and the retry lands late", async () => {
    const before = await stock();
    const order = await newOrder();
    kassa.sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "reset", times: 1 });
    kassa.sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "delay", delayMs: 800, times: 1 });
    const paying = pay(order.id);
    await untilPrepayInFlight(order.id);

    expect((await cancel(order.id)).body).toMatchObject({ status: "CLOSING" });
    const paid = await paying;
    expect(paid.body).toMatchObject({ code: "ORDER_NOT_PAYABLE" });
    expect(await statusOf(order.id)).toBe("CLOSED");
    expect(channelOrders(order.id).every((o) => o.state === "CLOSED")).toBe(true);
    expect(await payerCanPay(order.id)).toBe(false);
    expect(await stock()).toBe(before);
  });

  it("closes at the channel again a prepay that lands after its lease lapsed and the order was closed", async () => {
    const before = await stock();
    const order = await newOrder();
    kassa.sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "delay", delayMs: 800, times: 1 });
    const paying = pay(order.id);
    await untilPrepayInFlight(order.id);
    // The prepay outlives its lease (virtual time): the close may now conclude "not found".
    await kassa.sandbox.admin.advanceClock(61_000);
    expect((await cancel(order.id)).body).toMatchObject({ status: "CLOSED" });

    const paid = await paying;
    expect(paid.body).toMatchObject({ code: "ORDER_NOT_PAYABLE" });
    expect(channelOrders(order.id).map((o) => o.state)).toEqual(["CLOSED"]);
    expect(await payerCanPay(order.id)).toBe(false);
    expect(await stock()).toBe(before);
  });

  it("finishes the close once the lease of a pay call that died mid-prepay lapses", async () => {
    const before = await stock();
    const order = await newOrder();
    const deps = kassa.running.kassa.deps;
    // A pay call took the lease and its process died before the prepay answered.
    const payment = await findPaymentOfOrder(deps.db, order.id);
    expect(await claimPrepayLease(deps.db, payment?.id ?? "", deps.clock.now(), 60_000)).toBe(true);
    expect((await cancel(order.id)).body).toMatchObject({ status: "CLOSING" });
    await kassa.runJobs();
    expect(await statusOf(order.id)).toBe("CLOSING");

    await kassa.sandbox.admin.advanceClock(62_000);
    await kassa.runJobs();
    expect(await statusOf(order.id)).toBe("CLOSED");
    expect(await stock()).toBe(before);
  });
});
