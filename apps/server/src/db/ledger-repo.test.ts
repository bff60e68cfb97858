import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import { checkLedger } from "../app/check-ledger.ts";
import { KassaError } from "../domain/errors.ts";
import { type LedgerFact, ledgerEntryFor } from "../domain/ledger-postings.ts";
import type { DatabaseHandle } from "./connect.ts";
import type { Executor } from "./executor.ts";
import { accountBalance, postEntry } from "./ledger-repo.ts";
import { sealLedger } from "./ledger-seal.ts";

/**
 * postEntry on the real database (SQLite, or PostgreSQL with DATABASE_URL): once per cause,
 * one linear chain per app under concurrent posters and sealers on several connections, a
 * wallet the database will not overdraw, and entries the database will not change.
 */
let database: TestDatabase;
let others: DatabaseHandle[];
const APP = "app_default";
const T = 1_764_000_000_000;

beforeAll(async () => {
  database = await createTestDatabase();
  // Each is another pool (PostgreSQL) or another connection to the file (SQLite): the
  // posters below really run at once, as several Kassa instances would.
  others = [database.connectAgain(), database.connectAgain(), database.connectAgain()];
});
afterAll(async () => {
  for (const other of others ?? []) await other.close();
  await database?.close();
});

let counter = 0;
const fresh = (prefix: string) => `${prefix}_${++counter}_${Date.now()}`;

function post(db: Executor, fact: LedgerFact, appId = APP) {
  return db
    .transaction()
    .execute((trx) => postEntry(trx, { appId, orderId: null, now: T + counter, ...ledgerEntryFor(fact) }));
}
/** The stored balance, as the row holds it (accountBalance adds what awaits its seal). */
const balance = async (code: string, appId = APP) =>
  (
    await database.db
      .selectFrom("ledger_accounts")
      .select("balance_fen")
      .where("app_id", "=", appId)
      .where("code", "=", code)
      .executeTakeFirst()
  )?.balance_fen;
const expectBooksHold = async () => expect((await checkLedger(database.db)).problems).toEqual([]);
/**
 * A spend of a wallet's balance: here an operator's debit, because a `wallet_payment` entry
 * needs a PAID wallet payment beside it (checkLedger checks that; the wallet's own flow tests
 * spend through real payments). The database refuses an overdraw the same way for both.
 */
const spend = (userId: string, amountFen: number, adjustmentId = fresh("adj")): LedgerFact => ({
  rule: "wallet_adjusted",
  adjustmentId,
  userId,
  amountFen: -amountFen,
});
const connection = (index: number): Executor => (index % 4 === 0 ? database.db : others[(index % 4) - 1]!.db);

describe("postEntry", () => {
  it("books an entry: accounts made on first use, the wallet moved at once, the app-wide account at its seal", async () => {
    await sealLedger(database.db, { now: T });
    const user = fresh("usr");
    const adjustmentsBefore = Number(await balance("adjustments")) || 0;
    expect(
      await post(database.db, {
        rule: "wallet_adjusted",
        adjustmentId: fresh("adj"),
        userId: user,
        amountFen: 500,
      }),
    ).toBe("posted");
    expect(await balance(`wallet:${user}`)).toBe(500);
    // Not moved in the row yet, but read as moved: a balance read adds what awaits its seal.
    expect(Number(await balance("adjustments"))).toBe(adjustmentsBefore);
    expect(await accountBalance(database.db, APP, "adjustments")).toBe(adjustmentsBefore + 500);
    expect(await checkLedger(database.db)).toMatchObject({ unsealed: 1, problems: [] });
    expect(await sealLedger(database.db, { now: T })).toBe(1);
    expect(Number(await balance("adjustments"))).toBe(adjustmentsBefore + 500);
    expect(await accountBalance(database.db, APP, "adjustments")).toBe(adjustmentsBefore + 500);
    expect(await balance(`wallet:${user}`)).toBe(500);
    const account = await database.db
      .selectFrom("ledger_accounts")
      .selectAll()
      .where("code", "=", `wallet:${user}`)
      .executeTakeFirstOrThrow();
    expect(account).toMatchObject({
      type: "liability",
      normal_side: "credit",
      currency: "CNY",
      may_go_negative: 0,
    });
    await expectBooksHold();
  });

  // An adjustment, not a refund: checkLedger ties a refund's entry to a SUCCESS refund row,
  // which this repository test has none of; the unique cause is the same for every rule.
  it("posts a cause once: the same adjustment id a second time, and five times at once, is already_posted", async () => {
    const adjustmentId = fresh("adj");
    const fact: LedgerFact = { rule: "wallet_adjusted", adjustmentId, userId: fresh("usr"), amountFen: 300 };
    expect(await post(database.db, fact)).toBe("posted");
    expect(await post(database.db, fact)).toBe("already_posted");
    const again = fresh("adj");
    const outcomes = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => post(connection(i), { ...fact, adjustmentId: again })),
    );
    expect(outcomes.filter((outcome) => outcome === "posted")).toHaveLength(1);
    const rows = await database.db
      .selectFrom("ledger_entries")
      .select("seq")
      .where("cause_id", "in", [adjustmentId, again])
      .execute();
    expect(rows).toHaveLength(2);
    await expectBooksHold();
  });

  it("keeps one linear chain per app when 40 entries of two apps are posted at once on 4 connections, with 3 sealers running", async () => {
    await database.db
      .insertInto("apps")
      .values({
        id: "app_second",
        merchant_id: "mch_default",
        name: "Second",
        wechat_appid: null,
        created_at: T,
      })
      .execute();
    let posting = true;
    const sealers = others.map(async (other) => {
      let sealed = 0;
      while (posting) {
        sealed += await sealLedger(other.db, { now: T, batch: 3 });
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      return sealed;
    });
    const posted = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        post(
          connection(i),
          {
            rule: "wallet_adjusted",
            adjustmentId: fresh("adj"),
            userId: `usr_chain${i % 3}`,
            amountFen: 100 + i,
          },
          i % 2 === 0 ? APP : "app_second",
        ),
      ),
    );
    posting = false;
    expect(posted.every((outcome) => outcome === "posted")).toBe(true);
    const sealedMeanwhile = (await Promise.all(sealers)).reduce((a, b) => a + b, 0);
    await sealLedger(database.db, { now: T });
    for (const appId of [APP, "app_second"]) {
      const entries = await database.db
        .selectFrom("ledger_entries as e")
        .leftJoin("ledger_seals as s", (join) =>
          join.onRef("s.app_id", "=", "e.app_id").onRef("s.entry_seq", "=", "e.seq"),
        )
        .select(["e.seq", "s.position"])
        .where("e.app_id", "=", appId)
        .orderBy("s.position")
        .execute();
      // Every entry sealed exactly once, at the positions 1..n with no gap.
      expect(entries.map((entry) => Number(entry.position))).toEqual(entries.map((_, i) => i + 1));
      expect(new Set(entries.map((entry) => entry.seq)).size).toBe(entries.length);
    }
    expect(sealedMeanwhile).toBeGreaterThan(0);
    expect(await checkLedger(database.db)).toMatchObject({ unsealed: 0, problems: [] });
  });

  it("refuses, in the database, 40 of 50 concurrent spends of a wallet that holds 10 of them, and nothing goes negative", async () => {
    const user = fresh("usr");
    // Seeded by a real entry through the rules (a top-up needs a paid order: flow tests).
    const seed: LedgerFact = {
      rule: "wallet_adjusted",
      adjustmentId: fresh("adj"),
      userId: user,
      amountFen: 1000,
    };
    expect(await post(database.db, seed)).toBe("posted");
    const outcomes = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) => post(connection(i), spend(user, 100))),
    );
    const posted = outcomes.filter((outcome) => outcome.status === "fulfilled");
    const refused = outcomes.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason] : []));
    expect(posted).toHaveLength(10);
    expect(refused).toHaveLength(40);
    for (const reason of refused) {
      expect(reason).toBeInstanceOf(KassaError);
      expect(reason).toMatchObject({
        code: "WALLET_INSUFFICIENT_FUNDS",
        details: { account: `wallet:${user}` },
      });
    }
    expect(await balance(`wallet:${user}`)).toBe(0);
    await expectBooksHold();
  });

  it("refuses a spend beyond the balance, and the caller's transaction rolls back with it", async () => {
    const user = fresh("usr");
    await post(database.db, {
      rule: "wallet_adjusted",
      adjustmentId: fresh("adj"),
      userId: user,
      amountFen: 50,
    });
    const spendId = fresh("adj");
    await expect(post(database.db, spend(user, 51, spendId))).rejects.toMatchObject({
      code: "WALLET_INSUFFICIENT_FUNDS",
    });
    const entry = await database.db
      .selectFrom("ledger_entries")
      .select("seq")
      .where("cause_id", "=", spendId)
      .executeTakeFirst();
    expect(entry).toBeUndefined();
    expect(await balance(`wallet:${user}`)).toBe(50);
    await expectBooksHold();
  });

  it("refuses postings that do not balance before touching the database", async () => {
    await expect(
      database.db.transaction().execute((trx) =>
        postEntry(trx, {
          appId: APP,
          orderId: null,
          cause: { type: "wallet_adjustment", id: fresh("adj") },
          description: "unbalanced",
          postings: [
            { account: "adjustments", amountFen: 10 },
            { account: "wallet:usr_x", amountFen: -9 },
          ],
          now: T,
        }),
      ),
    ).rejects.toThrow(/sum to 1/);
  });
});

describe("the ledger is append-only in the database", () => {
  const refused = async (statement: ReturnType<typeof sql>) =>
    expect(statement.execute(database.db)).rejects.toThrow(/append-only/);

  it("refuses UPDATE and DELETE of entries, seals and postings, and DELETE of accounts and heads", async () => {
    await post(database.db, {
      rule: "wallet_adjusted",
      adjustmentId: fresh("adj"),
      userId: "usr_t",
      amountFen: 7,
    });
    await sealLedger(database.db, { now: T });
    await refused(sql`update ledger_seals set hash = 'edited'`);
    await refused(sql`delete from ledger_seals`);
    await refused(sql`update ledger_entries set description = 'edited'`);
    await refused(sql`delete from ledger_entries`);
    await refused(sql`update ledger_postings set amount_fen = amount_fen * 2`);
    await refused(sql`delete from ledger_postings`);
    await refused(sql`delete from ledger_accounts`);
    await refused(sql`update ledger_accounts set may_go_negative = 1`);
    await refused(sql`delete from ledger_heads`);
    if (database.dialect === "postgres") {
      await refused(sql`truncate ledger_postings, ledger_seals, ledger_unsealed, ledger_entries`);
      await refused(sql`truncate ledger_seals`);
    }
    await expectBooksHold();
  });
});
