import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { checkLedger } from "../../app/check-ledger.ts";
import { migrateToLatest } from "../migrate.ts";

/**
 * Migration 0006 on a database as the code before it left it (at 0005): the payments that
 * were PAID are booked as captured purchases, in the order they were paid, per app, on one
 * valid chain; unpaid ones are not. SQLite and PostgreSQL.
 */
let database: TestDatabase;
const T = 1_764_000_000_000;

beforeAll(async () => {
  database = await createTestDatabase({ upTo: "0005-merchant-api" });
  const db = database.db;
  await sql`insert into apps (id, merchant_id, name, wechat_appid, created_at) values ('app_b', 'mch_default', 'B', null, ${T})`.execute(
    db,
  );
  await sql`insert into users (id, app_id, appid, openid, created_at) values ('usr_1', 'app_default', 'wx1', 'o-1', ${T})`.execute(
    db,
  );
  const orders: [string, string, string, number, number | null][] = [
    ["ord_1", "app_default", "PAID", 1200, T + 20],
    ["ord_2", "app_default", "PAID", 800, T + 10],
    ["ord_3", "app_default", "CLOSED", 500, null],
    ["ord_4", "app_b", "PAID", 300, null],
  ];
  for (const [id, app, status, amount, paidAt] of orders) {
    await sql`insert into orders (id, app_id, user_id, status, amount_fen, description, expires_at, created_at, updated_at) values (${id}, ${app}, 'usr_1', ${status}, ${amount}, 'x', ${T}, ${T}, ${T + 5})`.execute(
      db,
    );
    await sql`insert into payments (id, app_id, order_id, channel, out_trade_no, status, amount_fen, expires_at, paid_at, created_at, updated_at) values (${`pay_${id}`}, ${app}, ${id}, 'wechatpay', ${id}, ${status}, ${amount}, ${T}, ${paidAt}, ${T}, ${T + 5})`.execute(
      db,
    );
  }
  await migrateToLatest(database);
});
afterAll(async () => {
  await database?.close();
});

describe("migration 0006: the ledger", () => {
  it("books every PAID payment once, in the order they were paid, and the books hold", async () => {
    const entries = await database.db
      .selectFrom("ledger_entries")
      .select(["app_id", "seq", "cause_type", "cause_id", "order_id", "posted_at"])
      .orderBy("app_id")
      .orderBy("seq")
      .execute();
    expect(entries).toEqual([
      {
        app_id: "app_b",
        seq: 1,
        cause_type: "payment_captured",
        cause_id: "pay_ord_4",
        order_id: "ord_4",
        posted_at: T + 5,
      },
      {
        app_id: "app_default",
        seq: 1,
        cause_type: "payment_captured",
        cause_id: "pay_ord_2",
        order_id: "ord_2",
        posted_at: T + 10,
      },
      {
        app_id: "app_default",
        seq: 2,
        cause_type: "payment_captured",
        cause_id: "pay_ord_1",
        order_id: "ord_1",
        posted_at: T + 20,
      },
    ]);
    const balances = await database.db
      .selectFrom("ledger_accounts")
      .select(["app_id", "code", "balance_fen"])
      .orderBy("app_id")
      .orderBy("code")
      .execute();
    expect(balances).toEqual([
      { app_id: "app_b", code: "sales", balance_fen: 300 },
      { app_id: "app_b", code: "wechatpay:clearing", balance_fen: 300 },
      { app_id: "app_default", code: "sales", balance_fen: 2000 },
      { app_id: "app_default", code: "wechatpay:clearing", balance_fen: 2000 },
    ]);
    expect(await checkLedger(database.db)).toMatchObject({ apps: 2, entries: 3, accounts: 4, problems: [] });
  });
});
