import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { scheduleJobOf } from "../../src/app/jobs.ts";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { moveAlert } from "../../src/db/alerts-repo.ts";
import { findRun, listDifferences, type RunRow } from "../../src/db/reconciliation-runs-repo.ts";
import { beijingDayOf } from "../../src/domain/reconciliation.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * Daily reconciliation (issue 11) through the simulator over real HTTP, on SQLite or
 * PostgreSQL: each test makes a fresh Beijing-time day, seeds one kind of difference with
 * the simulator's faults, runs the day's job as the worker would, and reads the stored
 * report. Bills of the day so far are published at once (the simulator's ready delay is
 * moved a day back), so a test need not wait for 10:00 the next day.
 */

let kassa: KassaUnderTest;
let token: string;
const deps = () => kassa.running.kassa.deps;
const admin = () => kassa.sandbox.admin;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  await admin().setBillReadyDelay(-24 * 3600_000);
}, 60_000); // slow when the machine is shared
afterAll(async () => {
  await kassa?.close();
});
afterEach(() => expectLedgerHolds(deps().db));
beforeEach(async () => {
  admin().clearFaults();
  // A day of its own: the next Beijing midnight, plus an hour.
  const now = kassa.sandbox.clock.now();
  const nextMidnight = Date.parse(`${beijingDayOf(now + 24 * 3600_000)}T00:00:00+08:00`);
  await admin().advanceClock(nextMidnight + 3600_000 - now);
  await kassa.runJobs(); // what fell due (expiries) belongs to the day before
  token = await kassa.login(); // a day is longer than a session
}, 60_000);

const today = () => beijingDayOf(kassa.sandbox.clock.now());

async function paidOrder(
  options: { dropNotification?: boolean } = {},
): Promise<{ id: string; amountFen: number }> {
  const created = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
  });
  const order = created.body as { id: string; amountFen: number };
  expect((await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token })).status).toBe(200);
  if (options.dropNotification) {
    admin().addFault({ endpoint: "notify.transaction", fault: "notify_drop", outTradeNo: order.id });
  }
  await admin().payOrder(DEMO_MERCHANT.mchid, order.id);
  if (!options.dropNotification) await until(async () => (await statusOf(order.id)) === "PAID");
  return order;
}

const statusOf = async (id: string) =>
  ((await kassa.request("GET", `/v1/orders/${id}`, { token })).body as { status: string }).status;

async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Schedules the day's job and runs what is due, as the worker does. */
async function reconcile(
  day = today(),
): Promise<{ run: RunRow; differences: Awaited<ReturnType<typeof listDifferences>> }> {
  const appId = deps().apps.default.id;
  await scheduleJobOf(
    deps(),
    "reconciliation.day",
    { appId, channel: "wechatpay", day },
    kassa.sandbox.clock.now(),
  );
  await kassa.runJobs();
  const run = await findRun(deps().db, appId, "wechatpay", day);
  if (!run) throw new Error(`no run for ${day}`);
  return { run, differences: await listDifferences(deps().db, run.id, { limit: 100 }) };
}

async function reconciliationAlerts(): Promise<number> {
  const rows = await deps()
    .db.selectFrom("alerts")
    .select("kind")
    .where("kind", "like", "reconciliation_%")
    .execute();
  return rows.length;
}

const alertOf = (id: string) =>
  deps().db.selectFrom("alerts").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

async function capturesOf(paymentId: string): Promise<number> {
  const rows = await deps()
    .db.selectFrom("ledger_entries")
    .select("seq")
    .where("cause_type", "=", "payment_captured")
    .where("cause_id", "=", paymentId)
    .execute();
  return rows.length;
}

const paymentIdOf = async (orderId: string) =>
  (
    await deps()
      .db.selectFrom("payments")
      .select("id")
      .where("order_id", "=", orderId)
      .executeTakeFirstOrThrow()
  ).id;

describe("daily reconciliation through the simulator (issue 11)", () => {
  it("a clean day reports nothing but its counts and sums on each side, and posts the day's fees once", async () => {
    const orders = [await paidOrder(), await paidOrder()];
    const total = orders.reduce((sum, order) => sum + order.amountFen, 0);
    const { run, differences } = await reconcile();
    expect(differences).toEqual([]);
    expect(run).toMatchObject({
      status: "completed",
      bill_payments: 2,
      bill_payments_fen: total,
      kassa_payments: 2,
      kassa_payments_fen: total,
      bill_unreadable: 0,
      differences_open: 0,
      differences_resolved: 0,
    });
    expect(run.bill_fees_fen).toBeGreaterThan(0);
    expect(run.fees_posted_fen).toBe(run.bill_fees_fen);
    const again = await reconcile();
    expect({ ...again.run, pass: 0, started_at: 0, completed_at: 0 }).toEqual({
      ...run,
      pass: 0,
      started_at: 0,
      completed_at: 0,
    });
    const feeEntries = await deps()
      .db.selectFrom("ledger_entries")
      .select("seq")
      .where("cause_type", "=", "channel_fees")
      .where("cause_id", "=", `wechatpay:${today()}`)
      .execute();
    expect(feeEntries).toHaveLength(1);
    expect(await reconciliationAlerts()).toBe(0);
  });

  it("a lost notification is repaired: missing_in_kassa, resolved by querying and applying, the order PAID and captured once", async () => {
    const lost = await paidOrder({ dropNotification: true });
    await paidOrder();
    expect(await statusOf(lost.id)).toBe("PENDING");
    const alertsBefore = await reconciliationAlerts();
    const { run, differences } = await reconcile();
    expect(differences).toEqual([
      expect.objectContaining({
        class: "missing_in_kassa",
        out_trade_no: lost.id,
        status: "resolved",
        bill_amount_fen: lost.amountFen,
        action: expect.stringContaining("applied"),
      }),
    ]);
    expect(await statusOf(lost.id)).toBe("PAID");
    expect(await capturesOf(await paymentIdOf(lost.id))).toBe(1);
    expect(run).toMatchObject({
      differences_open: 0,
      differences_resolved: 1,
      kassa_payments: 2,
      bill_payments: 2,
    });
    expect(await reconciliationAlerts()).toBe(alertsBefore);
    // Run again: the same report, no second difference, nothing posted twice.
    const again = await reconcile();
    expect(again.differences).toEqual(differences);
    expect(again.run).toMatchObject({ differences_open: 0, differences_resolved: 1, kassa_payments: 2 });
    expect(await capturesOf(await paymentIdOf(lost.id))).toBe(1);
  });

  it("a payment Kassa never saw is missing_in_kassa, left open with an alert", async () => {
    await paidOrder();
    const alertsBefore = await reconciliationAlerts();
    const untracked = await admin().addUntrackedPayment(DEMO_MERCHANT.mchid, { amountFen: 4321 });
    const { run, differences } = await reconcile();
    expect(differences).toEqual([
      expect.objectContaining({
        class: "missing_in_kassa",
        out_trade_no: untracked.outTradeNo,
        status: "open",
        bill_amount_fen: 4321,
        kassa_amount_fen: null,
        alert_id: expect.stringMatching(/^alr_/),
      }),
    ]);
    expect(run.differences_open).toBe(1);
    expect(await reconciliationAlerts()).toBe(alertsBefore + 1);
    await reconcile();
    expect(await reconciliationAlerts()).toBe(alertsBefore + 1); // a re-run raises nothing twice
  });

  it("an amount changed in the bill is amount_differs, both amounts shown", async () => {
    const order = await paidOrder();
    await paidOrder();
    admin().addFault({ fault: "bill_amount_changed", outTradeNo: order.id, deltaFen: 100 });
    const { differences } = await reconcile();
    expect(differences).toEqual([
      expect.objectContaining({
        class: "amount_differs",
        out_trade_no: order.id,
        status: "open",
        bill_amount_fen: order.amountFen + 100,
        kassa_amount_fen: order.amountFen,
      }),
    ]);
  });

  it("a difference a re-run no longer finds is resolved, and so is its alert, saying the re-run matched", async () => {
    const order = await paidOrder();
    admin().addFault({ fault: "bill_amount_changed", outTradeNo: order.id, deltaFen: 100 });
    const first = await reconcile();
    const [difference] = first.differences;
    expect(difference).toMatchObject({ class: "amount_differs", status: "open" });
    const alertId = difference!.alert_id!;
    expect(await alertOf(alertId)).toMatchObject({ kind: "reconciliation_amount_differs", status: "open" });
    // An operator is on it; WeChat Pay then corrects the bill.
    expect(
      await moveAlert(deps().db, {
        alertId,
        from: "open",
        event: "acknowledge",
        by: "opr_on_it",
        note: "asking WeChat Pay",
        now: kassa.sandbox.clock.now(),
      }),
    ).toBe(true);
    admin().clearFaults();
    const again = await reconcile();
    expect(again.differences).toEqual([
      expect.objectContaining({
        id: difference!.id,
        status: "resolved",
        action: "not found again when the day was reconciled again",
        alert_id: alertId,
      }),
    ]);
    expect(again.run).toMatchObject({ differences_open: 0, differences_resolved: 1 });
    const resolved = await alertOf(alertId);
    expect(resolved).toMatchObject({
      status: "resolved",
      resolved_by: "kassa:reconciliation",
      acknowledged_by: "opr_on_it",
      live_key: null,
    });
    expect(resolved.resolution_note).toBe(
      `the day ${today()} was reconciled again (pass ${again.run.pass}) and matched: the difference is gone`,
    );
    // The difference coming back is a new alert, not the resolved one reopened.
    admin().addFault({ fault: "bill_amount_changed", outTradeNo: order.id, deltaFen: 100 });
    const third = await reconcile();
    expect(third.differences).toEqual([expect.objectContaining({ id: difference!.id, status: "open" })]);
    const newAlertId = third.differences[0]!.alert_id!;
    expect(newAlertId).not.toBe(alertId);
    expect(await alertOf(newAlertId)).toMatchObject({ status: "open" });
    expect(await alertOf(alertId)).toMatchObject({ status: "resolved" });
  });

  it("a payment the bill shows as REVOKED while Kassa holds it paid is status_differs", async () => {
    const order = await paidOrder();
    admin().addFault({ fault: "bill_state_changed", outTradeNo: order.id, state: "REVOKED" });
    const { differences } = await reconcile();
    expect(differences).toEqual([
      expect.objectContaining({ class: "status_differs", out_trade_no: order.id, status: "open" }),
    ]);
  });

  it("a paid payment the bill leaves out is missing_in_bill", async () => {
    const order = await paidOrder();
    await paidOrder();
    admin().addFault({ fault: "bill_row_dropped", outTradeNo: order.id });
    const { run, differences } = await reconcile();
    expect(differences).toEqual([
      expect.objectContaining({
        class: "missing_in_bill",
        out_trade_no: order.id,
        status: "open",
        kassa_amount_fen: order.amountFen,
        bill_amount_fen: null,
      }),
    ]);
    expect(run).toMatchObject({ bill_payments: 1, kassa_payments: 2 });
  });

  it("a fee the fund flow books differently from the trade bill is fee_differs, and the booked fees are posted", async () => {
    const order = await paidOrder();
    admin().addFault({ fault: "bill_fee_changed", outTradeNo: order.id, deltaFen: 3 });
    const { run, differences } = await reconcile();
    expect(differences).toEqual([
      expect.objectContaining({ class: "fee_differs", out_trade_no: order.id, status: "open" }),
    ]);
    const [difference] = differences;
    expect(difference!.ledger_amount_fen! - difference!.bill_amount_fen!).toBe(3);
    expect(run.fees_posted_fen).toBe(difference!.ledger_amount_fen);
  });

  it("a row in a state the parser does not know is unreadable_row, and the day goes on", async () => {
    const order = await paidOrder();
    const lost = await paidOrder({ dropNotification: true });
    admin().addFault({ fault: "bill_state_changed", outTradeNo: order.id, state: "PAYERROR" });
    const { run, differences } = await reconcile();
    expect(differences).toHaveLength(2);
    expect(differences).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ class: "unreadable_row", out_trade_no: order.id, status: "open" }),
        // The next rows are still read and matched: a lost notification there is repaired.
        expect.objectContaining({ class: "missing_in_kassa", out_trade_no: lost.id, status: "resolved" }),
      ]),
    );
    expect(run).toMatchObject({ status: "completed", bill_unreadable: 1 });
  });

  it("waits while the channel has not published the day, then reconciles it", async () => {
    await admin().setBillReadyDelay(10 * 3600_000);
    try {
      await paidOrder();
      const appId = deps().apps.default.id;
      const day = today();
      await scheduleJobOf(
        deps(),
        "reconciliation.day",
        { appId, channel: "wechatpay", day },
        kassa.sandbox.clock.now(),
      );
      const before = kassa.sandbox.clock.now();
      await kassa.runJobs();
      const after = kassa.sandbox.clock.now();
      expect(await findRun(deps().db, appId, "wechatpay", day)).toMatchObject({ status: "waiting" });
      const job = await deps()
        .db.selectFrom("jobs")
        .selectAll()
        .where("kind", "=", "reconciliation.day")
        .executeTakeFirstOrThrow();
      // Looked again in half an hour (the clock runs on while the job does).
      expect(job.run_at).toBeGreaterThanOrEqual(before + 30 * 60_000);
      expect(job.run_at).toBeLessThanOrEqual(after + 30 * 60_000);
    } finally {
      await admin().setBillReadyDelay(-24 * 3600_000);
    }
    await admin().advanceClock(30 * 60_000);
    await kassa.runJobs();
    const run = await findRun(deps().db, deps().apps.default.id, "wechatpay", today());
    expect(run).toMatchObject({ status: "completed", bill_payments: 1, differences_open: 0 });
  });
});
