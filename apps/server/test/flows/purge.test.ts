import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPurgeCommand } from "../../src/app/purge-command.ts";
import { hashSessionToken } from "../../src/app/session-tokens.ts";
import { PURGED_OPENID_PREFIX } from "../../src/db/retention-repo.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { payOrderAtSimulator } from "../pay-order.ts";

/**
 * Data retention (issue 13, "Data retention (PIPL)") on real payments: the daily data.purge
 * job, and `npm run kassa -- purge`, remove what is past its retention and keep the books.
 * The inactive-payer retention is set to its minimum (91 days) and the shared clock moved on.
 */
const DAY = 86_400_000;
let kassa: KassaUnderTest;

beforeAll(async () => {
  kassa = await KassaUnderTest.start({ KASSA_RETENTION_INACTIVE_USERS_DAYS: "91" });
}, 60_000); // a whole Kassa and its simulator: slow when the machine is shared
afterAll(async () => {
  await kassa?.close();
});

async function userIdOf(token: string): Promise<string> {
  const row = await kassa.running.kassa.deps.db
    .selectFrom("sessions")
    .select("user_id")
    .where("token_hash", "=", hashSessionToken(token))
    .executeTakeFirstOrThrow();
  return row.user_id;
}

describe("purge on real payments", () => {
  it("the daily job anonymises a payer inactive past the retention, keeps one with a recent order, and the books still hold", async () => {
    const db = kassa.running.kassa.deps.db;
    const oldToken = await kassa.login("o_purge_old_payer");
    const oldUser = await userIdOf(oldToken);
    const oldOrder = await payOrderAtSimulator(kassa, oldToken);
    await kassa.runJobs();
    await kassa.running.kassa.worker.scheduleRecurringJobs();

    await kassa.sandbox.admin.advanceClock(92 * DAY);
    const newToken = await kassa.login("o_purge_new_payer");
    const newUser = await userIdOf(newToken);
    const newOrder = await payOrderAtSimulator(kassa, newToken);
    const booksBefore = await db
      .selectFrom("ledger_postings")
      .selectAll()
      .orderBy("entry_seq")
      .orderBy("line")
      .execute();
    const linesBefore = kassa.logs.length;
    await kassa.runJobs();

    const users = await db
      .selectFrom("users")
      .select(["id", "openid", "purged_at"])
      .orderBy("created_at")
      .execute();
    expect(users).toEqual([
      { id: oldUser, openid: `${PURGED_OPENID_PREFIX}${oldUser}`, purged_at: expect.any(Number) },
      { id: newUser, openid: "o_purge_new_payer", purged_at: null },
    ]);
    // The purged payer's order and payment are as they were: the books need them.
    const orders = await db
      .selectFrom("orders")
      .select(["id", "user_id", "status", "amount_fen"])
      .orderBy("created_at")
      .execute();
    expect(orders).toEqual([
      { id: oldOrder.id, user_id: oldUser, status: "PAID", amount_fen: oldOrder.amountFen },
      { id: newOrder.id, user_id: newUser, status: "PAID", amount_fen: newOrder.amountFen },
    ]);
    // The notification record of 92 days ago is past its 90 days; the new one stays.
    const notified = await db.selectFrom("channel_notifications").select("out_trade_no").execute();
    expect(notified.map((row) => row.out_trade_no)).toEqual([newOrder.id]);
    const purgeLog = kassa.logs.slice(linesBefore).find((line) => line.includes("retention applied"));
    expect(JSON.parse(purgeLog ?? "{}")).toMatchObject({
      removed: { inactive_users: 1, channel_notifications: 1 },
    });
    // Ledger rows untouched, and the ledger check the money tests end with still passes.
    expect(
      await db.selectFrom("ledger_postings").selectAll().orderBy("entry_seq").orderBy("line").execute(),
    ).toEqual(booksBefore);
    await expectLedgerHolds(db);

    // The payer comes back: the openid is a stranger's now, so a new user, who can pay.
    const back = await kassa.login("o_purge_old_payer");
    expect(await userIdOf(back)).not.toBe(oldUser);
    await payOrderAtSimulator(kassa, back);
    await kassa.runJobs();
    await expectLedgerHolds(db);

    const job = await db.selectFrom("jobs").select("run_at").where("kind", "=", "data.purge").execute();
    expect(job.map((row) => Number(row.run_at))).toEqual([expect.any(Number)]);
    expect(Number(job[0]?.run_at)).toBeGreaterThan(kassa.sandbox.clock.now());
  }, 60_000); // three orders paid through the simulator

  it("npm run kassa -- purge --dry-run counts what is due and changes nothing; then purge removes it", async () => {
    const db = kassa.running.kassa.deps.db;
    // Past the 91 days counted from the end of their last sessions (7 days after login).
    await kassa.sandbox.admin.advanceClock(100 * DAY);
    const run = async (argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await runPurgeCommand(argv, {
        db,
        now: () => kassa.sandbox.clock.now(),
        retention: kassa.running.kassa.deps.settings.retention,
        out: (line) => out.push(line),
        err: (line) => err.push(line),
      });
      return { code, out, err };
    };
    const snapshot = () =>
      Promise.all([
        db.selectFrom("users").selectAll().orderBy("id").execute(),
        db.selectFrom("channel_notifications").selectAll().orderBy("notification_id").execute(),
      ]);
    const before = await snapshot();
    const dry = await run(["purge", "--dry-run", "--json"]);
    expect(dry.code).toBe(0);
    const counted = JSON.parse(dry.out[0] ?? "{}") as {
      dryRun: boolean;
      tables: { table: string; rows: number }[];
    };
    expect(counted.dryRun).toBe(true);
    const rowsOf = (table: string) => counted.tables.find((line) => line.table === table)?.rows;
    expect(rowsOf("inactive_users")).toBe(2);
    expect(rowsOf("channel_notifications")).toBe(2);
    expect(await snapshot()).toEqual(before);

    const purged = await run(["purge"]);
    expect(purged.code).toBe(0);
    expect(purged.out).toEqual(
      expect.arrayContaining([
        "purge: inactive_users: removed 2 (payers inactive for 91 days: openid replaced by a tombstone)",
        "purge: channel_notifications: removed 2 (notification records older than 90 days)",
      ]),
    );
    const again = await run(["purge", "--dry-run"]);
    expect(again.out.at(-1)).toBe("purge --dry-run: 0 rows due; nothing was changed");
    await expectLedgerHolds(db);
    expect(await run(["purge", "--all"])).toMatchObject({
      code: 2,
      err: [expect.stringContaining("purge [--dry-run]")],
    });
  });
});
