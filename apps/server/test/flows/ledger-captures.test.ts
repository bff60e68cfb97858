import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { deliver, paymentNotification } from "../notifications.ts";
import { payOrderAtSimulator } from "../pay-order.ts";

/**
 * A purchase paid through the simulator books one `payment_captured` entry (issue 9 §1), in
 * the transaction that makes it PAID, whatever races it: duplicate notifications delivered
 * at once, confirm's query at the same moment, a payment reported after its order closed.
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
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

type OrderBody = { id: string; status: string; amountFen: number };

async function newOrder(): Promise<OrderBody> {
  const answer = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: "prd_jasmine_tea", quantity: 2 }] },
  });
  return answer.body as OrderBody;
}

async function entriesOf(orderId: string) {
  const db = kassa.running.kassa.deps.db;
  const entries = await db.selectFrom("ledger_entries").selectAll().where("order_id", "=", orderId).execute();
  const postings = await db
    .selectFrom("ledger_postings")
    .select(["entry_seq", "account_code", "amount_fen"])
    .where("entry_seq", "in", entries.length ? entries.map((entry) => entry.seq) : [-1])
    .where("app_id", "=", "app_default")
    .orderBy("entry_seq")
    .orderBy("line")
    .execute();
  return { entries, postings };
}

describe("the ledger books a captured purchase", () => {
  it("once, as Dr wechatpay:clearing / Cr sales, when the simulator's notification makes it PAID", async () => {
    const order = await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity: 2 }]);
    const { entries, postings } = await entriesOf(order.id);
    const payment = await kassa.running.kassa.deps.db
      .selectFrom("payments")
      .select("id")
      .where("order_id", "=", order.id)
      .executeTakeFirstOrThrow();
    expect(entries).toMatchObject([{ cause_type: "payment_captured", cause_id: payment.id }]);
    expect(postings.map(({ account_code, amount_fen }) => [account_code, amount_fen])).toEqual([
      ["wechatpay:clearing", order.amountFen],
      ["sales", -order.amountFen],
    ]);
  });

  it("once when five copies of the notification and three confirms (queries) arrive at the same moment", async () => {
    const order = await newOrder();
    // The money moves at the simulator, but its own notification is dropped: ours race it.
    kassa.sandbox.admin.addFault({ endpoint: "notify.transaction", fault: "notify_drop", times: 16 });
    const params = (await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token })).body as Record<
      string,
      string
    >;
    await fetch(`${kassa.sandbox.url}/cashier/api/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...params, bankType: "CMB_CREDIT" }),
    });
    kassa.sandbox.admin.clearFaults();
    expect(kassa.sandbox.admin.getOrder(DEMO_MERCHANT.mchid, order.id).state).toBe("SUCCESS");
    const copy = await paymentNotification(kassa, {
      outTradeNo: order.id,
      amountFen: order.amountFen,
      id: `n-${order.id}`,
    });
    const [delivered, confirmed] = await Promise.all([
      Promise.all(Array.from({ length: 5 }, () => deliver(kassa, copy))),
      Promise.all(
        Array.from({ length: 3 }, () => kassa.request("POST", `/v1/orders/${order.id}/confirm`, { token })),
      ),
    ]);
    expect(delivered.every((status) => status === 200 || status === 204)).toBe(true);
    expect(confirmed.map((answer) => (answer.body as OrderBody).status)).toEqual(["PAID", "PAID", "PAID"]);
    expect((await entriesOf(order.id)).entries).toHaveLength(1);
  });

  it("once when the channel says paid after the order closed here, and again on a second delivery", async () => {
    const order = await newOrder();
    const cancelled = await kassa.request("POST", `/v1/orders/${order.id}/cancel`, { token });
    expect(cancelled.body).toMatchObject({ status: "CLOSED" });
    expect((await entriesOf(order.id)).entries).toEqual([]);
    for (const id of [`late-${order.id}`, `late-again-${order.id}`]) {
      const late = await paymentNotification(kassa, { outTradeNo: order.id, amountFen: order.amountFen, id });
      expect(await deliver(kassa, late)).toBeLessThan(300);
    }
    expect((await kassa.request("GET", `/v1/orders/${order.id}`, { token })).body).toMatchObject({
      status: "PAID",
    });
    const alerts = await kassa.running.kassa.deps.db
      .selectFrom("alerts")
      .select("kind")
      .where("subject_id", "=", order.id)
      .execute();
    expect(alerts).toEqual([{ kind: "paid_after_close" }]);
    expect((await entriesOf(order.id)).entries).toHaveLength(1);
  });
});
