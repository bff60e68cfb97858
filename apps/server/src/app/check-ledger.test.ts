import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import { entryHash } from "../db/ledger-hash.ts";
import { postEntry } from "../db/ledger-repo.ts";
import { sealLedger } from "../db/ledger-seal.ts";
import { LEDGER_TRIGGERS } from "../db/migrations/0006-ledger.ts";
import type { Posting } from "../domain/ledger.ts";
import { type LedgerFact, ledgerEntryFor } from "../domain/ledger-postings.ts";
import { checkLedger } from "./check-ledger.ts";

/**
 * checkLedger can fail: each test books a few real entries in a database of its own, seals
 * them, drops the append-only triggers there (as someone with the database's password
 * could), tampers, and expects the check to name what was done.
 */
let database: TestDatabase;
const T = 1_764_000_000_000;
const APP = "app_default";

beforeEach(async () => {
  database = await createTestDatabase();
  const facts: LedgerFact[] = [
    { rule: "wallet_adjusted", adjustmentId: "adj_1", userId: "usr_1", amountFen: 1000 },
    { rule: "wallet_adjusted", adjustmentId: "adj_2", userId: "usr_1", amountFen: -300 },
    { rule: "wallet_adjusted", adjustmentId: "adj_3", userId: "usr_1", amountFen: 100 },
  ];
  for (const [index, fact] of facts.entries()) {
    await database.db
      .transaction()
      .execute((trx) =>
        postEntry(trx, { appId: APP, orderId: null, now: T + index, ...ledgerEntryFor(fact) }),
      );
  }
  expect((await checkLedger(database.db)).problems).toEqual([]);
  expect(await sealLedger(database.db, { now: T + 10 })).toBe(3);
  expect(await checkLedger(database.db)).toMatchObject({ entries: 3, unsealed: 0, problems: [] });
  const sealTriggers = [
    ["ledger_seals_no_update", "ledger_seals"],
    ["ledger_seals_no_delete", "ledger_seals"],
  ] as const;
  for (const [name, table] of [...LEDGER_TRIGGERS, ...sealTriggers]) {
    const target = database.dialect === "postgres" ? sql` on ${sql.id(table)}` : sql``;
    await sql`drop trigger ${sql.id(name)}${target}`.execute(database.db);
  }
});
afterEach(async () => {
  await database?.close();
});

const problems = async () => (await checkLedger(database.db)).problems;

describe("checkLedger finds tampering", () => {
  it("an edited posting: the entry no longer balances, its hash breaks, and the balance disagrees", async () => {
    await sql`update ledger_postings set amount_fen = 299 where entry_seq = 2 and line = 2`.execute(
      database.db,
    );
    expect(await problems()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/position 2 .*postings sum to -1/),
        expect.stringMatching(/position 2 .*hash does not match/),
        expect.stringMatching(/account wallet:usr_1: balance 800 but its postings sum to 801/),
      ]),
    );
  });

  it("an edited description, with its postings left balanced: only the hash shows it", async () => {
    await sql`update ledger_entries set description = 'nothing to see' where seq = 1`.execute(database.db);
    expect(await problems()).toEqual([
      expect.stringMatching(/position 1 .*hash does not match its contents/),
    ]);
  });

  it("an entry rewritten with its seal's hash recomputed: the next seal's prev_hash shows it", async () => {
    const first = await database.db
      .selectFrom("ledger_entries")
      .selectAll()
      .where("seq", "=", 1)
      .executeTakeFirstOrThrow();
    const postings = await database.db
      .selectFrom("ledger_postings")
      .select(["account_code", "amount_fen"])
      .where("entry_seq", "=", 1)
      .orderBy("line")
      .execute();
    const forged = entryHash({
      appId: APP,
      position: 1,
      cause: { type: first.cause_type, id: first.cause_id },
      orderId: first.order_id,
      description: "a forged description",
      postedAt: Number(first.posted_at),
      prevHash: "0".repeat(64),
      postings: postings.map((p) => ({
        account: p.account_code as Posting["account"],
        amountFen: Number(p.amount_fen),
      })),
    });
    await sql`update ledger_entries set description = 'a forged description' where seq = 1`.execute(
      database.db,
    );
    await sql`update ledger_seals set hash = ${forged} where position = 1`.execute(database.db);
    expect(await problems()).toEqual([
      expect.stringMatching(/position 2 .*prev_hash is not the previous seal's hash/),
    ]);
  });

  it("a removed entry: the chain has a gap", async () => {
    await sql`delete from ledger_seals where entry_seq = 2`.execute(database.db);
    await sql`delete from ledger_postings where entry_seq = 2`.execute(database.db);
    await sql`delete from ledger_entries where seq = 2`.execute(database.db);
    expect(await problems()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/position 3 .*follows position 1, seals are missing/),
        expect.stringMatching(/position 3 .*prev_hash/),
      ]),
    );
  });

  it("an entry taken out of the chain: it is neither sealed nor waiting for its seal", async () => {
    await sql`delete from ledger_seals where position = 3`.execute(database.db);
    const second = await database.db
      .selectFrom("ledger_seals")
      .select("hash")
      .where("position", "=", 2)
      .executeTakeFirstOrThrow();
    await sql`update ledger_heads set seq = 2, hash = ${second.hash}`.execute(database.db);
    expect(await problems()).toEqual([
      "3 entries, but 2 are sealed and 0 wait for their seal: 1 are neither",
    ]);
  });

  it("an entry put back in the sealer's queue: it would be sealed twice", async () => {
    await sql`insert into ledger_unsealed (app_id, entry_seq) values (${APP}, 2)`.execute(database.db);
    expect(await problems()).toEqual(
      expect.arrayContaining([expect.stringMatching(/entry 2: sealed at 2 and still waiting for its seal/)]),
    );
  });

  it("the last entry removed and the head wound back: balances no longer match the postings", async () => {
    await sql`delete from ledger_seals where entry_seq = 3`.execute(database.db);
    await sql`delete from ledger_postings where entry_seq = 3`.execute(database.db);
    await sql`delete from ledger_entries where seq = 3`.execute(database.db);
    const second = await database.db
      .selectFrom("ledger_seals")
      .select("hash")
      .where("position", "=", 2)
      .executeTakeFirstOrThrow();
    await sql`update ledger_heads set seq = 2, hash = ${second.hash}`.execute(database.db);
    expect(await problems()).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/account wallet:usr_1: balance 800 but its postings sum to 700/),
      ]),
    );
  });

  it("a balance edited: found; and a wallet set below zero is still refused by its CHECK", async () => {
    const wallet = sql`update ledger_accounts set balance_fen = -1 where code = 'wallet:usr_1'`;
    await expect(wallet.execute(database.db)).rejects.toThrow();
    await sql`update ledger_accounts set balance_fen = 900 where code = 'wallet:usr_1'`.execute(database.db);
    expect(await problems()).toEqual([
      expect.stringMatching(/wallet:usr_1: balance 900 but its postings sum to 800/),
    ]);
  });

  it("an app-wide balance edited: found against its sealed postings", async () => {
    await sql`update ledger_accounts set balance_fen = balance_fen + 5 where code = 'adjustments'`.execute(
      database.db,
    );
    expect(await problems()).toEqual([
      expect.stringMatching(/account adjustments: balance 805 but its sealed postings sum to 800/),
    ]);
  });

  it("a PAID payment with no entry", async () => {
    await sql`insert into users (id, app_id, appid, openid, created_at) values ('usr_p', ${APP}, 'wx1', 'o-p', ${T})`.execute(
      database.db,
    );
    await sql`insert into orders (id, app_id, user_id, status, amount_fen, description, expires_at, created_at, updated_at) values ('ord_p', ${APP}, 'usr_p', 'PAID', 500, 'x', ${T}, ${T}, ${T})`.execute(
      database.db,
    );
    await sql`insert into payments (id, app_id, order_id, channel, out_trade_no, status, amount_fen, expires_at, created_at, updated_at) values ('pay_p', ${APP}, 'ord_p', 'wechatpay', 'ord_p', 'PAID', 500, ${T}, ${T}, ${T})`.execute(
      database.db,
    );
    expect(await problems()).toEqual([
      "payment pay_p is PAID but the ledger has no entry for it",
      "app app_default order ord_p: captured - refunded is 500 fen, the ledger says 0",
    ]);
  });
});
