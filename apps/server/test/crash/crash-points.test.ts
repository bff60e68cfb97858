import { type RunningSandbox, startSandbox } from "@kassa/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import {
  buildKassaProgram,
  expectConverged,
  freePort,
  KassaProcess,
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

describe("crash points: SIGKILL between a channel call and its commit, then restart on the same database", () => {
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
});
