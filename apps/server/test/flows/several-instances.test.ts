import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { deliver, paymentNotification } from "../notifications.ts";

/**
 * Two Kassa instances on one database and one channel (quality-bar.md: "several server
 * instances on one PostgreSQL: all of the above still hold"). Runs on SQLite too, where the
 * two instances are two connections to one file.
 */
let first: KassaUnderTest;
let second: KassaUnderTest;
let token: string;

beforeAll(async () => {
  first = await KassaUnderTest.start();
  second = await KassaUnderTest.startSecondInstance(first);
  token = await first.login();
});
afterAll(async () => {
  await second?.close();
  await first?.close();
});
// Every money flow ends with books that hold (issue 9 §1).
afterEach(() => expectLedgerHolds(first.running.kassa.deps.db));

type OrderBody = { id: string; amountFen: number; status: string };
const instances = () => [first, second];

describe("two instances on one database", () => {
  it("accept each other's sessions", async () => {
    const answer = await second.request("GET", "/v1/catalog", { token });
    expect(answer.status).toBe(200);
    const created = await second.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
    });
    expect(created.status).toBe(201);
  });

  it("make one order for one Idempotency-Key sent to both at once", async () => {
    const headers = { "idempotency-key": "two-instances" };
    const body = { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] };
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, n) =>
        instances()[n % 2]!.request("POST", "/v1/orders", { token, body, headers }),
      ),
    );
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => (a.body as OrderBody).id));
    expect(ids.size).toBe(1);
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
  });

  it("make one prepay when both are asked to pay at once", async () => {
    const order = (
      await first.request("POST", "/v1/orders", {
        token,
        body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
      })
    ).body as OrderBody;
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, n) =>
        instances()[n % 2]!.request("POST", `/v1/orders/${order.id}/pay`, { token }),
      ),
    );
    expect(new Set(answers.map((a) => (a.body as { package: string }).package)).size).toBe(1);
    expect(first.sandbox.admin.getOrder(DEMO_MERCHANT.mchid, order.id).prepays).toHaveLength(1);
  });

  it("apply a notification delivered to both, concurrently, exactly once", async () => {
    const order = (
      await first.request("POST", "/v1/orders", {
        token,
        body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
      })
    ).body as OrderBody;
    await first.request("POST", `/v1/orders/${order.id}/pay`, { token });
    const notification = await paymentNotification(first, {
      outTradeNo: order.id,
      amountFen: order.amountFen,
    });
    const statuses = await Promise.all(
      Array.from({ length: 6 }, (_, n) => deliver(instances()[n % 2]!, notification)),
    );
    expect(statuses).toEqual([204, 204, 204, 204, 204, 204]);
    const events = await first.running.kassa.deps.db
      .selectFrom("outbox_events")
      .selectAll()
      .where("aggregate_id", "=", order.id)
      .execute();
    expect(events.map((event) => event.type)).toEqual(["order.paid"]);
    const notes = await first.running.kassa.deps.db
      .selectFrom("channel_notifications")
      .selectAll()
      .where("out_trade_no", "=", order.id)
      .execute();
    expect(notes).toHaveLength(1);
  });

  it("share due jobs without running one twice", async () => {
    const orders: OrderBody[] = [];
    for (let n = 0; n < 6; n += 1) {
      const order = (
        await first.request("POST", "/v1/orders", {
          token,
          body: { items: [{ productId: "prd_oolong_tea", quantity: 1 }] },
        })
      ).body as OrderBody;
      await first.request("POST", `/v1/orders/${order.id}/pay`, { token });
      orders.push(order);
    }
    await first.sandbox.admin.advanceClock(31 * 60_000);
    const ran = await Promise.all([
      first.running.kassa.worker.runDueJobs(),
      second.running.kassa.worker.runDueJobs(),
    ]);
    await first.runJobs();
    expect(ran[0] + ran[1]).toBeGreaterThanOrEqual(6);
    for (const order of orders) {
      const events = await first.running.kassa.deps.db
        .selectFrom("outbox_events")
        .selectAll()
        .where("aggregate_id", "=", order.id)
        .execute();
      expect(events.map((event) => event.type)).toEqual(["order.closed"]);
    }
  });
});
