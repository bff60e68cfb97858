import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

let kassa: KassaUnderTest;
let token: string;

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

async function newOrder(productId = "prd_jasmine_tea", quantity = 1): Promise<OrderBody> {
  const answer = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId, quantity }] },
  });
  return answer.body as OrderBody;
}

const pay = (id: string) => kassa.request("POST", `/v1/orders/${id}/pay`, { token });
const statusOf = async (id: string) =>
  ((await kassa.request("GET", `/v1/orders/${id}`, { token })).body as OrderBody).status;
const channelOrder = (id: string) => kassa.sandbox.admin.getOrder(DEMO_MERCHANT.mchid, id);

/** The payer pays at the channel, and every notification of it is dropped on the way. */
async function paidAtChannelSilently(outTradeNo: string): Promise<void> {
  kassa.sandbox.admin.addFault({ endpoint: "notify.transaction", fault: "notify_drop", times: 16 });
  await kassa.sandbox.admin.payOrder(DEMO_MERCHANT.mchid, outTradeNo);
}

describe("channel faults resolve to the channel's truth", () => {
  it("prepays once when the channel applies the prepay and then answers 500", async () => {
    const order = await newOrder();
    kassa.sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "apply_then_fail", times: 1 });
    const answer = await pay(order.id);
    expect(answer.status).toBe(200);
    expect(channelOrder(order.id).state).toBe("NOTPAY");
    expect(channelOrder(order.id).amountTotal).toBe(order.amountFen);
  });

  it("answers CHANNEL_OUTCOME_UNKNOWN when every answer is lost, and the next pay call works", async () => {
    const order = await newOrder();
    kassa.sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "apply_then_reset", times: 3 });
    const lost = await pay(order.id);
    expect(lost.status).toBe(504);
    expect(lost.body).toMatchObject({ code: "CHANNEL_OUTCOME_UNKNOWN" });
    expect(channelOrder(order.id).prepays.length).toBeGreaterThan(0);
    const retried = await pay(order.id);
    expect(retried.status).toBe(200);
    expect(
      kassa.sandbox.admin.listOrders({ mchid: DEMO_MERCHANT.mchid }).filter((o) => o.outTradeNo === order.id),
    ).toHaveLength(1);
  });

  it("retries a 429 with the same parameters", async () => {
    const order = await newOrder();
    kassa.sandbox.admin.addFault({ endpoint: "jsapi.prepay", fault: "rate_limit", times: 1 });
    expect((await pay(order.id)).status).toBe(200);
  });

  it("finds a payment by query-back when no notification ever comes", async () => {
    const order = await newOrder();
    expect((await pay(order.id)).status).toBe(200);
    await paidAtChannelSilently(order.id);
    expect(await statusOf(order.id)).toBe("PENDING");
    await kassa.sandbox.admin.advanceClock(61_000);
    await kassa.runJobs();
    expect(await statusOf(order.id)).toBe("PAID");
  });

  it("answers confirm with PAID by asking the channel when no notification came", async () => {
    const order = await newOrder();
    await pay(order.id);
    await paidAtChannelSilently(order.id);
    const confirmed = await kassa.request("POST", `/v1/orders/${order.id}/confirm`, { token });
    expect(confirmed.body).toMatchObject({ status: "PAID" });
  });

  it("makes a paid order PAID, never CLOSED, when a cancel races the payment", async () => {
    const order = await newOrder();
    await pay(order.id);
    await paidAtChannelSilently(order.id);
    const cancelled = await kassa.request("POST", `/v1/orders/${order.id}/cancel`, { token });
    expect(cancelled.body).toMatchObject({ status: "PAID" });
    expect(channelOrder(order.id).state).toBe("SUCCESS");
  });

  it("keeps an order CLOSING while the channel cannot close it, and closes it after", async () => {
    const order = await newOrder("prd_oolong_tea", 2);
    await pay(order.id);
    kassa.sandbox.admin.addFault({ endpoint: "*", fault: "unavailable", times: 20 });
    const cancelled = await kassa.request("POST", `/v1/orders/${order.id}/cancel`, { token });
    expect(cancelled.body).toMatchObject({ status: "CLOSING" });
    expect((await pay(order.id)).status).toBe(409);
    kassa.sandbox.admin.clearFaults();
    await kassa.sandbox.admin.advanceClock(61_000);
    await kassa.runJobs();
    expect(await statusOf(order.id)).toBe("CLOSED");
    expect(channelOrder(order.id).state).toBe("CLOSED");
  });

  it("expires an unpaid order at time_expire: closed at the channel, then here, stock released", async () => {
    const stock = async () =>
      (
        await kassa.running.kassa.deps.db
          .selectFrom("products")
          .select("stock")
          .where("id", "=", "prd_mooncake")
          .executeTakeFirstOrThrow()
      ).stock;
    const before = await stock();
    const order = await newOrder("prd_mooncake", 1);
    await pay(order.id);
    expect(await stock()).toBe(before - 1);
    await kassa.sandbox.admin.advanceClock(31 * 60_000);
    await kassa.runJobs();
    expect(await statusOf(order.id)).toBe("CLOSED");
    expect(channelOrder(order.id).state).toBe("CLOSED");
    expect(await stock()).toBe(before);
  });

  it("makes an order PAID at expiry when the channel says it was paid after all", async () => {
    const order = await newOrder();
    await pay(order.id);
    await paidAtChannelSilently(order.id);
    await kassa.sandbox.admin.advanceClock(31 * 60_000);
    await kassa.runJobs();
    expect(await statusOf(order.id)).toBe("PAID");
  });
});
