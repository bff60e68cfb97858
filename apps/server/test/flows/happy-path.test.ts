import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { untilPaid } from "../pay-order.ts";

/**
 * The whole loop through the simulator's real paths: the payer pays on the cashier API with
 * the paySign Kassa made, and the simulator's signed, encrypted notification (§4) reaches
 * /notify/wechatpay over HTTP.
 */
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

type OrderBody = { id: string; status: string; amountFen: number; transactionId: string | null };

async function orderAndPrepay(): Promise<{ order: OrderBody; params: Record<string, string> }> {
  const order = (
    await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
    })
  ).body as OrderBody;
  const params = (await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token })).body as Record<
    string,
    string
  >;
  return { order, params };
}

/** What the mini program's wx.requestPayment does: the payer pays on the simulator's cashier. */
async function payerPays(params: Record<string, string>): Promise<void> {
  const response = await fetch(`${kassa.sandbox.url}/cashier/api/pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...params, bankType: "CMB_CREDIT" }),
  });
  expect(response.status).toBe(200);
}

const order = async (id: string) =>
  (await kassa.request("GET", `/v1/orders/${id}`, { token })).body as OrderBody;
const confirm = async (id: string) =>
  (await kassa.request("POST", `/v1/orders/${id}/confirm`, { token })).body as OrderBody;
const paidEvents = async (id: string) =>
  (
    await kassa.running.kassa.deps.db
      .selectFrom("outbox_events")
      .select("type")
      .where("aggregate_id", "=", id)
      .execute()
  ).map((row) => row.type);
const deliveries = (id: string) =>
  kassa.sandbox.admin.listNotifications({ mchid: DEMO_MERCHANT.mchid, outTradeNo: id });

describe("the payment loop against the simulator", () => {
  it("pays: prepay, the payer pays, the notification makes the order PAID", async () => {
    const { order: created, params } = await orderAndPrepay();
    expect(params).toMatchObject({ appId: DEMO_MERCHANT.appid, signType: "RSA" });
    await payerPays(params);
    // The simulator's notification is its own HTTP request, which may land after the cashier answers.
    await untilPaid(kassa, token, created.id);
    const paid = await order(created.id);
    expect(paid.status).toBe("PAID");
    expect(paid.transactionId).toBe(
      kassa.sandbox.admin.getOrder(DEMO_MERCHANT.mchid, created.id).transactionId,
    );
    expect(await paidEvents(created.id)).toEqual(["order.paid"]);
    expect(deliveries(created.id)[0]?.status).toBe("DELIVERED");
  });

  it("applies a notification delivered 5 times, twice and then three times at the same moment, once", async () => {
    const concurrentCopies = (times: number) =>
      kassa.sandbox.admin.addFault({
        endpoint: "notify.transaction",
        fault: "notify_concurrent_duplicate",
        times,
      });
    concurrentCopies(1);
    const { order: created, params } = await orderAndPrepay();
    await payerPays(params); // the simulator sends the notification twice at once
    const [notification] = deliveries(created.id);
    if (!notification) throw new Error("the simulator made no notification");
    // Resends are single attempts; three at once are three concurrent deliveries.
    await Promise.all([1, 2, 3].map(() => kassa.sandbox.admin.resendNotification(notification.id)));
    const handled = kassa.logs
      .filter((line) => line.includes(notification.id) && line.includes("payment notification handled"))
      .map((line) => (JSON.parse(line) as { outcome: string }).outcome)
      .sort();
    expect(handled).toEqual(["applied", ...Array(4).fill("duplicate_notification")]);
    expect((await order(created.id)).status).toBe("PAID");
    expect(await paidEvents(created.id)).toEqual(["order.paid"]);
    const notes = await kassa.running.kassa.deps.db
      .selectFrom("channel_notifications")
      .selectAll()
      .where("out_trade_no", "=", created.id)
      .execute();
    expect(notes).toHaveLength(1);
  });

  it("is PAID the same whether the notification comes before confirm", async () => {
    const { order: created, params } = await orderAndPrepay();
    await payerPays(params);
    expect((await confirm(created.id)).status).toBe("PAID");
    expect(await paidEvents(created.id)).toEqual(["order.paid"]);
  });

  it("or after confirm, which found it by query first", async () => {
    kassa.sandbox.admin.addFault({
      endpoint: "notify.transaction",
      fault: "notify_delay",
      times: 1,
      delayMs: 60_000,
    });
    const { order: created, params } = await orderAndPrepay();
    await payerPays(params);
    expect((await confirm(created.id)).status).toBe("PAID");
    await kassa.sandbox.admin.advanceClock(61_000);
    expect(deliveries(created.id)[0]?.status).toBe("DELIVERED");
    expect(await paidEvents(created.id)).toEqual(["order.paid"]);
  });

  it("recovers by query-back when every notification is dropped", async () => {
    kassa.sandbox.admin.addFault({ endpoint: "notify.transaction", fault: "notify_drop", times: 16 });
    const { order: created, params } = await orderAndPrepay();
    await payerPays(params);
    expect((await order(created.id)).status).toBe("PENDING");
    await kassa.sandbox.admin.advanceClock(61_000);
    await kassa.runJobs();
    expect((await order(created.id)).status).toBe("PAID");
  });

  it("refuses a probe-signed notification, then applies the retry WeChat Pay sends", async () => {
    kassa.sandbox.admin.addFault({ endpoint: "notify.transaction", fault: "notify_probe", times: 1 });
    const { order: created, params } = await orderAndPrepay();
    await payerPays(params);
    expect((await order(created.id)).status).toBe("PENDING");
    await kassa.sandbox.admin.advanceClock(16_000); // §4.6: the first retry comes after 15 s
    expect((await order(created.id)).status).toBe("PAID");
    const attempts = deliveries(created.id)[0]?.attempts ?? [];
    expect(attempts.map((attempt) => attempt.status)).toEqual([401, 204]);
  });
});
