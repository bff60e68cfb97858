import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CONFIRM_QUERIES_PER_ORDER_PER_MINUTE } from "../../src/app/confirm-order.ts";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * Issue 7, item 6: each /confirm made up to 6 queries to WeChat Pay, so 50 confirms from one
 * user made 300 queries in 3 s, spending the merchant's API quota. Concurrent confirms of
 * one order now share one wait, and queries per order per minute are bounded.
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

const QUERY = "transactions.query_by_out_trade_no";

/** A fault that changes nothing (no delay) but counts every query the simulator answers. */
function countQueries(): () => number {
  const rule = kassa.sandbox.admin.addFault({ endpoint: QUERY, fault: "delay", delayMs: 0 });
  return () => kassa.sandbox.admin.listFaults().find((r) => r.id === rule.id)?.fired ?? 0;
}

async function prepaidOrder(): Promise<string> {
  const created = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
  });
  const id = (created.body as { id: string }).id;
  expect((await kassa.request("POST", `/v1/orders/${id}/pay`, { token })).status).toBe(200);
  return id;
}

const confirm = (id: string) => kassa.request("POST", `/v1/orders/${id}/confirm`, { token });

describe("confirm spends a bounded number of channel queries", () => {
  it("makes 50 concurrent confirms of one unpaid order share one wait, within the per-order budget", async () => {
    const id = await prepaidOrder();
    const queries = countQueries();
    const answers = await Promise.all(Array.from({ length: 50 }, () => confirm(id)));
    expect(answers.every((answer) => answer.status === 200)).toBe(true);
    expect(answers.every((answer) => (answer.body as { status: string }).status === "PENDING")).toBe(true);
    expect(queries()).toBeGreaterThan(0);
    expect(queries()).toBeLessThanOrEqual(CONFIRM_QUERIES_PER_ORDER_PER_MINUTE);

    // Confirms after the budget is spent answer from what Kassa knows, without a query.
    const spent = queries();
    for (let i = 0; i < 5; i += 1) await confirm(id);
    expect(queries()).toBeLessThanOrEqual(CONFIRM_QUERIES_PER_ORDER_PER_MINUTE);
    expect(queries() - spent).toBeLessThanOrEqual(CONFIRM_QUERIES_PER_ORDER_PER_MINUTE - spent);

    // A minute later the order has a budget again.
    await kassa.sandbox.admin.advanceClock(61_000);
    const before = queries();
    await confirm(id);
    expect(queries()).toBeGreaterThan(before);
  });

  it("answers every concurrent confirm PAID when the one shared query finds the payment", async () => {
    const id = await prepaidOrder();
    kassa.sandbox.admin.addFault({ endpoint: "notify.transaction", fault: "notify_drop", times: 16 });
    await kassa.sandbox.admin.payOrder(DEMO_MERCHANT.mchid, id);
    const queries = countQueries();
    const answers = await Promise.all(Array.from({ length: 20 }, () => confirm(id)));
    expect(answers.map((answer) => (answer.body as { status: string }).status)).toEqual(
      answers.map(() => "PAID"),
    );
    expect(queries()).toBe(1);
  });
});
