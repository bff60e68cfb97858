import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import { checkLedger } from "../app/check-ledger.ts";
import { type LedgerFact, ledgerEntryFor } from "../domain/ledger-postings.ts";
import type { DatabaseHandle } from "./connect.ts";
import type { Executor } from "./executor.ts";
import { accountBalance, postEntry } from "./ledger-repo.ts";
import { sealLedger } from "./ledger-seal.ts";

/**
 * The sealer (db/ledger-seal.ts) on the real database: a seal that fails halfway leaves
 * nothing half-sealed and the next one seals each entry once; and, the reason it exists,
 * a posting no longer waits for the app's head row or its app-wide balances.
 */
let database: TestDatabase;
let other: DatabaseHandle;
const APP = "app_default";
const T = 1_764_000_000_000;
let counter = 0;
const fresh = (prefix: string) => `${prefix}_${++counter}`;

beforeAll(async () => {
  database = await createTestDatabase();
  other = database.connectAgain();
});
afterAll(async () => {
  await other?.close();
  await database?.close();
});

const adjustment = (userId: string, amountFen: number): LedgerFact => ({
  rule: "wallet_adjusted",
  adjustmentId: fresh("adj"),
  userId,
  amountFen,
});
const post = (db: Executor, fact: LedgerFact) =>
  db
    .transaction()
    .execute((trx) => postEntry(trx, { appId: APP, orderId: null, now: T, ...ledgerEntryFor(fact) }));
const sealedCount = async () =>
  Number(
    (
      await database.db
        .selectFrom("ledger_seals")
        .select((eb) => eb.fn.countAll<number | string>().as("n"))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** A fault in the database itself: the seal's last write, the head's move, is refused. */
async function refuseHeadMoves(on: boolean): Promise<void> {
  if (database.dialect === "postgres") {
    if (on) {
      await sql`create function seal_fault() returns trigger language plpgsql as $$
        begin raise exception 'injected fault: the seal dies before its head moves'; end $$`.execute(
        database.db,
      );
      await sql`create trigger seal_fault before update on ledger_heads for each row execute function seal_fault()`.execute(
        database.db,
      );
    } else {
      await sql`drop trigger seal_fault on ledger_heads`.execute(database.db);
      await sql`drop function seal_fault()`.execute(database.db);
    }
  } else if (on) {
    await sql`create trigger seal_fault before update on ledger_heads begin select raise(abort, 'injected fault: the seal dies before its head moves'); end`.execute(
      database.db,
    );
  } else await sql`drop trigger seal_fault`.execute(database.db);
}

describe("sealing the ledger", () => {
  it("a seal that dies halfway leaves every entry waiting and no balance moved; the next seal seals each once", async () => {
    // A head row must exist for the fault to bite on its update (the first seal inserts it).
    await post(database.db, adjustment(fresh("usr"), 100));
    await sealLedger(database.db, { now: T });
    const sealedBefore = await sealedCount();
    const user = fresh("usr");
    for (const amount of [300, 200, -100]) await post(database.db, adjustment(user, amount));
    const adjustmentsBefore = await accountBalance(database.db, APP, "adjustments");

    await refuseHeadMoves(true);
    try {
      // Seals went in, balances moved, the queue emptied: then the head update failed, so all of it rolls back.
      await expect(sealLedger(database.db, { now: T })).rejects.toThrow(/injected fault/);
    } finally {
      await refuseHeadMoves(false);
    }
    expect(await sealedCount()).toBe(sealedBefore);
    expect(await checkLedger(database.db)).toMatchObject({ unsealed: 3, problems: [] });
    expect(await accountBalance(database.db, APP, "adjustments")).toBe(adjustmentsBefore);
    expect(await accountBalance(database.db, APP, `wallet:${user}`)).toBe(400);

    expect(await sealLedger(database.db, { now: T })).toBe(3);
    expect(await sealLedger(database.db, { now: T })).toBe(0);
    expect(await sealedCount()).toBe(sealedBefore + 3);
    expect(await checkLedger(database.db)).toMatchObject({ unsealed: 0, problems: [] });
    expect(await accountBalance(database.db, APP, "adjustments")).toBe(adjustmentsBefore);
  });

  it("seals in batches, each a transaction of its own, until the queue is empty", async () => {
    for (let i = 0; i < 7; i += 1) await post(database.db, adjustment(fresh("usr"), 10 + i));
    expect(await sealLedger(database.db, { now: T, batch: 3 })).toBe(7);
    expect(await checkLedger(database.db)).toMatchObject({ unsealed: 0, problems: [] });
  });

  // SQLite has one writer at a time: a poster waits for any open write transaction there,
  // the sealer's included, so "does not wait" is a property of PostgreSQL's row locks only.
  it.runIf(process.env.DATABASE_URL)(
    "a posting completes while a sealer holds the app's head and its app-wide balance rows (PostgreSQL)",
    async () => {
      await post(database.db, adjustment(fresh("usr"), 100));
      await sealLedger(database.db, { now: T });
      await other.db.transaction().execute(async (sealer) => {
        // What a seal in progress holds: the head row, and the app-wide accounts it moves.
        await sql`update ledger_heads set seq = seq where app_id = ${APP}`.execute(sealer);
        await sql`update ledger_accounts set balance_fen = balance_fen where app_id = ${APP} and code = 'adjustments'`.execute(
          sealer,
        );
        // Would the posting wait for either lock, lock_timeout fails it instead of hanging.
        const outcome = await database.db.transaction().execute(async (trx) => {
          await sql`set local lock_timeout = '2s'`.execute(trx);
          return postEntry(trx, {
            appId: APP,
            orderId: null,
            now: T,
            ...ledgerEntryFor(adjustment(fresh("usr"), 250)),
          });
        });
        expect(outcome).toBe("posted");
      });
      expect(await checkLedger(database.db)).toMatchObject({ unsealed: 1, problems: [] });
      expect(await sealLedger(database.db, { now: T })).toBe(1);
    },
  );
});
