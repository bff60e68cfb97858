import { type RunningSandbox, startSandbox } from "@kassa/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scheduleJobOf } from "../../src/app/jobs.ts";
import { DEMO_ALIPAY_APP, DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { beijingDayOf } from "../../src/domain/reconciliation.ts";
import { randomIdSource } from "../../src/random-ids.ts";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import { WebhookReceiver } from "../webhook-receiver.ts";
import {
  buildKassaProgram,
  expectConverged,
  freePort,
  KassaProcess,
  makeApiKey,
  payAtCashier,
  removeDir,
  removeProgram,
  stockOf,
  tempDir,
  until,
} from "./crash-harness.ts";

/**
 * Crash points (issue 16; quality-bar.md: "crash (kill -9) at each step between a channel call
 * and its commit → 0 lost payments, 0 double charges or refunds after restart"). Kassa runs as
 * its own process (kassa-process.ts), the simulator in this one, so the channel's truth
 * outlives Kassa. For each named point (src/crash-point.ts) Kassa is started with
 * KASSA_CRASH_AT, driven over HTTP until the point SIGKILLs it, started again on the same
 * database without it, moved through (virtual) time until its jobs converge, and then checked
 * against the simulator's record (crash-harness.ts expectConverged). SQLite by default,
 * PostgreSQL when DATABASE_URL is set (`npm run test:postgres`).
 */

let sandbox: RunningSandbox;
let program: string;
const dirs: string[] = [];

beforeAll(async () => {
  program = await buildKassaProgram();
  const dir = tempDir();
  dirs.push(dir);
  sandbox = await startSandbox({
    dataDir: dir,
    config: {
      merchants: [{ ...DEMO_MERCHANT, notifyUrl: "http://127.0.0.1:9/unused", certificates: false }],
      alipayApps: [{ ...DEMO_ALIPAY_APP, notifyUrl: "http://127.0.0.1:9/unused" }],
      publicKeyOnlyCertificates: "empty",
    },
    log: () => undefined,
  });
});

afterAll(async () => {
  await sandbox?.close();
  if (program) removeProgram(program);
  for (const dir of dirs) removeDir(dir);
});

/** One point's world: its own database and data directory, Kassa on a port kept across the crash. */
async function world(): Promise<{
  database: TestDatabase;
  start: (crashAt?: Parameters<typeof KassaProcess.start>[0]["crashAt"]) => Promise<KassaProcess>;
}> {
  const database = await createTestDatabase();
  const dataDir = tempDir();
  dirs.push(dataDir);
  const port = await freePort();
  return {
    database,
    start: (crashAt) =>
      KassaProcess.start({ program, database, sandbox, port, dataDir, ...(crashAt ? { crashAt } : {}) }),
  };
}

/** Virtual time forward; Kassa follows the simulator's clock within ~20 ms. */
async function later(ms: number): Promise<void> {
  await sandbox.admin.advanceClock(ms);
  await new Promise((wait) => setTimeout(wait, 60));
}

const TEA = [{ productId: "prd_jasmine_tea", quantity: 1 }];

async function orderStatus(kassa: KassaProcess, token: string, id: string): Promise<string> {
  return ((await kassa.request("GET", `/v1/orders/${id}`, { token })).body as { status: string }).status;
}

/** An order prepaid through Kassa and paid at the simulator (its admin API stands in for the payer). */
async function payAnOrder(kassa: KassaProcess, token: string): Promise<string> {
  const created = await kassa.request("POST", "/v1/orders", { token, body: { items: TEA } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = (created.body as { id: string }).id;
  expect((await kassa.request("POST", `/v1/orders/${id}/pay`, { token })).status).toBe(200);
  await sandbox.admin.payOrder(DEMO_MERCHANT.mchid, id);
  return id;
}

/** A booking of one seat in the demo's first slot, prepaid; its order's id. */
async function prepaidBooking(kassa: KassaProcess, token: string, database: TestDatabase): Promise<string> {
  const slot = await database.db
    .selectFrom("booking_slots")
    .select("id")
    .orderBy("starts_at")
    .executeTakeFirstOrThrow();
  const booked = await kassa.request("POST", "/v1/bookings", { token, body: { slotId: slot.id, seats: 2 } });
  expect(booked.status, JSON.stringify(booked.body)).toBe(201);
  const id = (booked.body as { id: string }).id;
  expect((await kassa.request("POST", `/v1/orders/${id}/pay`, { token })).status).toBe(200);
  return id;
}

async function untilPaid(kassa: KassaProcess, token: string, id: string): Promise<void> {
  await until(`order ${id} is PAID`, async () => (await orderStatus(kassa, token, id)) === "PAID");
}

// Each test starts Kassa twice as a child process (each start loads the sources through
// tsx) and waits for a dead job's lease to lapse: 17 s alone on a busy two-core machine, over
// the suite's 20 s default once CI's other workers run beside it. The deadline is the
// harness's own `until`, not this.
describe("crash points: SIGKILL between a channel call and its commit, then restart on the same database", {
  timeout: 90_000,
}, () => {
  it("prepay.answered: the prepay made at WeChat Pay but not saved; the payer's retry pays once", async () => {
    const { database, start } = await world();
    try {
      const first = await start("prepay.answered");
      const token = await first.login(sandbox);
      const stock = await stockOf(database);
      const order = (await first.request("POST", "/v1/orders", { token, body: { items: TEA } })).body as {
        id: string;
      };
      await first.requestThatDies("POST", `/v1/orders/${order.id}/pay`, { token });
      // The channel has the order (the prepay happened); Kassa kept no prepay_id.
      const payment = await database.db
        .selectFrom("payments")
        .select(["out_trade_no", "prepay_id"])
        .where("order_id", "=", order.id)
        .executeTakeFirstOrThrow();
      expect(payment.prepay_id).toBeNull();
      expect(sandbox.admin.getOrder(DEMO_MERCHANT.mchid, payment.out_trade_no).state).toBe("NOTPAY");

      const again = await start();
      try {
        // The dead call's prepay lease lapses (60 s); the payer's retry prepays the same order.
        await later(61_000);
        const params = await again.request("POST", `/v1/orders/${order.id}/pay`, { token });
        expect(params.status, JSON.stringify(params.body)).toBe(200);
        await payAtCashier(sandbox, params.body as object);
        await until("the order is PAID", async () => (await orderStatus(again, token, order.id)) === "PAID");
      } finally {
        await again.stop();
      }
      expect(
        sandbox.admin
          .listOrders({ mchid: DEMO_MERCHANT.mchid })
          .filter((o) => o.outTradeNo === payment.out_trade_no),
      ).toHaveLength(1);
      await expectConverged(database, sandbox, stock);
    } finally {
      await database.close();
    }
  });

  it("notify.before-commit: the notification's transaction dies uncommitted, a booking is paid while Kassa is down; resends (or query-back) pay each once", async () => {
    const { database, start } = await world();
    try {
      const first = await start("notify.before-commit");
      const token = await first.login(sandbox);
      const stock = await stockOf(database);
      const booking = await prepaidBooking(first, token, database);
      const id = await payAnOrder(first, token);
      await first.expectKilled();
      // The payer pays the booking while Kassa is down: its notification finds no one.
      await sandbox.admin.payOrder(DEMO_MERCHANT.mchid, booking);
      // Rolled back with the process: nothing of the notification is stored.
      expect(await database.db.selectFrom("channel_notifications").selectAll().execute()).toEqual([]);
      expect(
        (
          await database.db
            .selectFrom("orders")
            .select("status")
            .where("id", "=", id)
            .executeTakeFirstOrThrow()
        ).status,
      ).toBe("PENDING");

      const again = await start();
      try {
        // WeChat Pay resends an unanswered notification (15 s, 15 s, 30 s...); query-back runs at 60 s.
        await later(61_000);
        await untilPaid(again, token, id);
        await untilPaid(again, token, booking);
      } finally {
        await again.stop();
      }
      await expectConverged(database, sandbox, stock);
    } finally {
      await database.close();
    }
  });

  it("refund.answered: WeChat Pay took the refund, Kassa died before saving its answer; the query-back finds it, no second refund", async () => {
    const { database, start } = await world();
    try {
      const first = await start("refund.answered");
      const token = await first.login(sandbox);
      const stock = await stockOf(database);
      const id = await payAnOrder(first, token);
      await untilPaid(first, token, id);
      const key = await makeApiKey(database, () => sandbox.clock.now());
      await first.requestThatDies("POST", `/merchant/v1/orders/${id}/refunds`, {
        token: key,
        body: { amountFen: 100 },
        headers: { "idempotency-key": "crash-refund-1" },
      });
      expect(sandbox.admin.listRefunds({ mchid: DEMO_MERCHANT.mchid, outTradeNo: id })).toHaveLength(1);

      const again = await start();
      try {
        // The merchant retries with the same key: the same refund, never a second one.
        const retried = await again.request("POST", `/merchant/v1/orders/${id}/refunds`, {
          token: key,
          body: { amountFen: 100 },
          headers: { "idempotency-key": "crash-refund-1" },
        });
        expect(retried.status, JSON.stringify(retried.body)).toBeLessThan(300);
        // The simulator settles the refund within a minute; Kassa's query-back (or its notification) learns it.
        await later(61_000);
        await later(61_000);
        await until("the refund is SUCCESS", async () => {
          const refund = await database.db.selectFrom("refunds").select("status").executeTakeFirst();
          return refund?.status === "SUCCESS";
        });
      } finally {
        await again.stop();
      }
      expect(sandbox.admin.listRefunds({ mchid: DEMO_MERCHANT.mchid, outTradeNo: id })).toHaveLength(1);
      await expectConverged(database, sandbox, stock);
    } finally {
      await database.close();
    }
  });

  it("webhook.delivered: the merchant's server answered 200, Kassa died before recording it; delivered again, same webhook-id, nothing lost", async () => {
    const { database, start } = await world();
    const receiver = await WebhookReceiver.start();
    try {
      const first = await start("webhook.delivered");
      const token = await first.login(sandbox);
      const stock = await stockOf(database);
      const key = await makeApiKey(database, () => sandbox.clock.now());
      const endpoint = await first.request("POST", "/merchant/v1/webhook-endpoints", {
        token: key,
        body: { url: receiver.url, eventTypes: ["order.paid"] },
        headers: { "idempotency-key": "crash-endpoint-1" },
      });
      expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
      const id = await payAnOrder(first, token);
      await first.expectKilled();
      expect(receiver.ids()).toHaveLength(1);

      const again = await start();
      try {
        // The dead attempt's lease (60 s) lapses and the delivery is attempted again.
        await later(61_000);
        await until("the delivery is recorded", async () => {
          const row = await database.db.selectFrom("webhook_deliveries").select("status").executeTakeFirst();
          return row?.status === "succeeded";
        });
        await untilPaid(again, token, id);
      } finally {
        await again.stop();
      }
      // At least once: the receiver saw the one event twice, under one webhook-id to dedupe on.
      expect(new Set(receiver.ids()).size).toBe(1);
      expect(receiver.ids().length).toBeGreaterThanOrEqual(2);
      expect(await database.db.selectFrom("outbox_events").select("type").execute()).toEqual([
        { type: "order.paid" },
      ]);
      await expectConverged(database, sandbox, stock);
    } finally {
      await receiver.down();
      await database.close();
    }
  });

  it("expire.closed: an expired order (a purchase, a booking) closed at WeChat Pay, Kassa died before closing it here; the retry closes them and releases stock and seats once", async () => {
    const { database, start } = await world();
    try {
      const first = await start("expire.closed");
      const token = await first.login(sandbox);
      const stock = await stockOf(database);
      const created = await first.request("POST", "/v1/orders", { token, body: { items: TEA } });
      const id = (created.body as { id: string }).id;
      expect((await first.request("POST", `/v1/orders/${id}/pay`, { token })).status).toBe(200);
      const booking = await prepaidBooking(first, token, database);
      // Past time_expire (5 minutes): the expiry job closes the order at the channel, and dies.
      await later(5 * 60_000 + 1_000);
      await first.expectKilled();
      // One of the two was closed at the channel and not here; neither is CLOSED here.
      const atChannel = [id, booking].map(
        (order) => sandbox.admin.getOrder(DEMO_MERCHANT.mchid, order).state,
      );
      expect(atChannel).toContain("CLOSED");
      const here = await database.db
        .selectFrom("orders")
        .select("status")
        .where("id", "in", [id, booking])
        .execute();
      expect(here.map((order) => order.status)).not.toContain("CLOSED");

      const again = await start();
      try {
        // The dead job's lease (60 s) lapses; the expiry runs again and finishes the close.
        await later(61_000);
        for (const order of [id, booking])
          await until(
            `order ${order} is CLOSED`,
            async () => (await orderStatus(again, token, order)) === "CLOSED",
          );
      } finally {
        await again.stop();
      }
      await expectConverged(database, sandbox, stock);
    } finally {
      await database.close();
    }
  });

  it("reconcile.mid-day: the day's bill staged and matched (a lost notification repaired), Kassa died before the fees; the rerun posts each once", async () => {
    const { database, start } = await world();
    await sandbox.admin.setBillReadyDelay(-24 * 3600_000);
    try {
      const first = await start("reconcile.mid-day");
      const token = await first.login(sandbox);
      const stock = await stockOf(database);
      const paid = await payAnOrder(first, token);
      await untilPaid(first, token, paid);
      // A second payment whose notification never comes: the bill shows it, reconciliation repairs it.
      const created = await first.request("POST", "/v1/orders", { token, body: { items: TEA } });
      const lost = (created.body as { id: string }).id;
      expect((await first.request("POST", `/v1/orders/${lost}/pay`, { token })).status).toBe(200);
      sandbox.admin.addFault({ endpoint: "notify.transaction", fault: "notify_drop", outTradeNo: lost });
      await sandbox.admin.payOrder(DEMO_MERCHANT.mchid, lost);
      const day = beijingDayOf(sandbox.clock.now());
      await scheduleJobOf(
        { db: database.db, ids: randomIdSource, clock: sandbox.clock },
        "reconciliation.day",
        { appId: "app_default", channel: "wechatpay", day },
        sandbox.clock.now(),
      );
      await first.expectKilled();
      const dead = await database.db
        .selectFrom("reconciliation_runs")
        .select("status")
        .where("day", "=", day)
        .executeTakeFirstOrThrow();
      expect(dead.status).toBe("running");

      const again = await start();
      try {
        await later(61_000);
        await until("the day is reconciled", async () => {
          const run = await database.db
            .selectFrom("reconciliation_runs")
            .select("status")
            .where("day", "=", day)
            .executeTakeFirst();
          return run?.status === "completed";
        });
        await untilPaid(again, token, lost);
      } finally {
        await again.stop();
      }
      expect(
        await database.db
          .selectFrom("ledger_entries")
          .select("cause_type")
          .where("cause_id", "=", `wechatpay:${day}`)
          .execute(),
      ).toHaveLength(1);
      await expectConverged(database, sandbox, stock);
    } finally {
      sandbox.admin.clearFaults();
      await database.close();
    }
  });
});
