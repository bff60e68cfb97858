import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { checkLedger } from "../../app/check-ledger.ts";
import { ledgerEntryFor } from "../../domain/ledger-postings.ts";
import { postEntry } from "../ledger-repo.ts";
import { sealLedger } from "../ledger-seal.ts";
import { migrateTo, migrateToLatest } from "../migrate.ts";

/**
 * Migration 0016 on a database as 0015 left it, with entries chained the old way (each
 * carrying its own prev_hash and hash): every entry is sealed at its own number with the
 * hash it had, so the chain still verifies, and the next posting continues after it. Down
 * again is refused once entries were numbered the new way. SQLite and PostgreSQL.
 */
let database: TestDatabase;
const T = 1_764_000_000_000;
let oldChain: { app_id: string; seq: number; prev_hash: string; hash: string }[];

beforeAll(async () => {
  // 0006 books PAID payments as it migrates: three, in two apps, make the old chain.
  database = await createTestDatabase({ upTo: "0005-merchant-api" });
  const db = database.db;
  await sql`insert into apps (id, merchant_id, name, wechat_appid, created_at) values ('app_b', 'mch_default', 'B', null, ${T})`.execute(
    db,
  );
  await sql`insert into users (id, app_id, appid, openid, created_at) values ('usr_1', 'app_default', 'wx1', 'o-1', ${T})`.execute(
    db,
  );
  for (const [id, app, amount] of [
    ["ord_1", "app_default", 1200],
    ["ord_2", "app_default", 800],
    ["ord_3", "app_b", 300],
  ] as const) {
    await sql`insert into orders (id, app_id, user_id, status, amount_fen, description, expires_at, created_at, updated_at) values (${id}, ${app}, 'usr_1', 'PAID', ${amount}, 'x', ${T}, ${T}, ${T + 5})`.execute(
      db,
    );
    await sql`insert into payments (id, app_id, order_id, channel, out_trade_no, status, amount_fen, expires_at, paid_at, created_at, updated_at) values (${`pay_${id}`}, ${app}, ${id}, 'wechatpay', ${id}, 'PAID', ${amount}, ${T}, ${T + 5}, ${T}, ${T + 5})`.execute(
      db,
    );
  }
  await migrateTo(database, "0015-refund-approvals");
  const { rows } = await sql<{
    app_id: string;
    seq: number;
    prev_hash: string;
    hash: string;
  }>`select app_id, seq, prev_hash, hash from ledger_entries order by app_id, seq`.execute(db);
  oldChain = rows.map((row) => ({ ...row, seq: Number(row.seq) }));
  await migrateToLatest(database);
});
afterAll(async () => {
  await database?.close();
});

describe("migration 0016: the chain moves to ledger_seals", () => {
  it("seals every old entry at its own number with the hash it had, and the books hold", async () => {
    expect(oldChain).toHaveLength(3);
    const seals = await database.db
      .selectFrom("ledger_seals")
      .select(["app_id", "position", "entry_seq", "prev_hash", "hash"])
      .orderBy("app_id")
      .orderBy("position")
      .execute();
    expect(
      seals.map((seal) => ({
        app_id: seal.app_id,
        seq: Number(seal.entry_seq),
        prev_hash: seal.prev_hash,
        hash: seal.hash,
      })),
    ).toEqual(oldChain);
    expect(seals.every((seal) => Number(seal.position) === Number(seal.entry_seq))).toBe(true);
    expect(await checkLedger(database.db)).toMatchObject({ entries: 3, unsealed: 0, problems: [] });
  });

  it("numbers the next entry after the old ones and chains it after them", async () => {
    await database.db.transaction().execute((trx) =>
      postEntry(trx, {
        appId: "app_default",
        orderId: null,
        now: T + 100,
        ...ledgerEntryFor({ rule: "wallet_adjusted", adjustmentId: "adj_1", userId: "usr_1", amountFen: 50 }),
      }),
    );
    const entry = await database.db
      .selectFrom("ledger_entries")
      .select("seq")
      .where("cause_id", "=", "adj_1")
      .executeTakeFirstOrThrow();
    expect(Number(entry.seq)).toBeGreaterThan(2);
    expect(await sealLedger(database.db, { now: T + 101 })).toBe(1);
    const seal = await database.db
      .selectFrom("ledger_seals")
      .select(["position", "prev_hash"])
      .where("entry_seq", "=", entry.seq)
      .where("app_id", "=", "app_default")
      .executeTakeFirstOrThrow();
    expect(Number(seal.position)).toBe(3);
    expect(seal.prev_hash).toBe(oldChain.find((old) => old.app_id === "app_default" && old.seq === 2)?.hash);
    expect(await checkLedger(database.db)).toMatchObject({ entries: 4, unsealed: 0, problems: [] });
  });

  it("goes down only while every entry's number is its position: PostgreSQL's shared sequence breaks that, SQLite's per-app numbers do not", async () => {
    // app_b's second entry: on PostgreSQL the sequence is past app_default's 3, so it is not 2.
    await database.db.transaction().execute((trx) =>
      postEntry(trx, {
        appId: "app_b",
        orderId: null,
        now: T + 200,
        ...ledgerEntryFor({ rule: "wallet_adjusted", adjustmentId: "adj_2", userId: "usr_1", amountFen: 70 }),
      }),
    );
    await sealLedger(database.db, { now: T + 201 });
    const numbered = await database.db
      .selectFrom("ledger_entries")
      .select("seq")
      .where("cause_id", "=", "adj_2")
      .executeTakeFirstOrThrow();
    if (database.dialect === "postgres") {
      expect(Number(numbered.seq)).toBeGreaterThan(2);
      const refusal = await migrateTo(database, "0015-refund-approvals").catch((error: Error) => error);
      expect((refusal as Error).cause).toMatchObject({ message: expect.stringMatching(/cannot be undone/) });
      expect(await checkLedger(database.db)).toMatchObject({ entries: 5, problems: [] });
      return;
    }
    expect(Number(numbered.seq)).toBe(2);
    await migrateTo(database, "0015-refund-approvals");
    const { rows } = await sql<{
      app_id: string;
      seq: number;
      hash: string;
    }>`select app_id, seq, hash from ledger_entries order by app_id, seq`.execute(database.db);
    // The old entries carry their old hashes again, the new ones the hashes their seals gave.
    const hashOf = new Map(rows.map((row) => [`${row.app_id} ${Number(row.seq)}`, row.hash]));
    expect(oldChain.map((old) => hashOf.get(`${old.app_id} ${old.seq}`))).toEqual(
      oldChain.map((old) => old.hash),
    );
    expect(rows.every((row) => /^[0-9a-f]{64}$/.test(row.hash))).toBe(true);
    await migrateToLatest(database);
    expect(await checkLedger(database.db)).toMatchObject({ entries: 5, unsealed: 0, problems: [] });
  });
});
