import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { migrateToLatest } from "../migrate.ts";
import { MIGRATIONS } from "./index.ts";

/**
 * Migration 0007 on a database as the code before it left it: every other migration ran
 * (0009-0012 landed first; migrate.ts allows the one that lands late). The refund tables
 * start empty; the totals' CHECK refuses an over-refund, and what names a refund at the
 * channel cannot change. SQLite and PostgreSQL.
 */
let database: TestDatabase;
const T = 1_764_000_000_000;

beforeAll(async () => {
  database = await createTestDatabase({ upTo: "0001-init" });
  // 0014 builds on this one (booking orders, their refunds), so it waits for it here too.
  const { "0007-refunds": _refunds, "0014-bookings": _bookings, ...before } = MIGRATIONS;
  await migrateToLatest(database, before);
  const db = database.db;
  await sql`insert into users (id, app_id, appid, openid, created_at) values ('usr_1', 'app_default', 'wx1', 'o-1', ${T})`.execute(
    db,
  );
  await sql`insert into orders (id, app_id, user_id, status, amount_fen, description, expires_at, created_at, updated_at) values ('ord_1', 'app_default', 'usr_1', 'PAID', 1000, 'x', ${T}, ${T}, ${T})`.execute(
    db,
  );
  await sql`insert into payments (id, app_id, order_id, channel, out_trade_no, status, amount_fen, expires_at, paid_at, created_at, updated_at) values ('pay_1', 'app_default', 'ord_1', 'wechatpay', 'ord_1', 'PAID', 1000, ${T}, ${T}, ${T}, ${T})`.execute(
    db,
  );
  const applied = await migrateToLatest(database);
  expect(applied.map((result) => [result.migrationName, result.status])).toEqual([
    ["0007-refunds", "Success"],
    ["0014-bookings", "Success"],
  ]);
});
afterAll(async () => {
  await database?.close();
});

const totals = (set: string) =>
  sql`update payment_refund_totals set ${sql.raw(set)} where payment_id = 'pay_1'`.execute(database.db);

describe("migration 0007: refunds", () => {
  it("adds the refund tables, empty", async () => {
    expect(await database.db.selectFrom("refunds").selectAll().execute()).toEqual([]);
    expect(await database.db.selectFrom("payment_refund_totals").selectAll().execute()).toEqual([]);
  });

  it("refuses totals where the reserved or refunded amounts exceed what was captured", async () => {
    await sql`insert into payment_refund_totals (payment_id, app_id, order_id, captured_fen, updated_at) values ('pay_1', 'app_default', 'ord_1', 1000, ${T})`.execute(
      database.db,
    );
    await totals("reserved_fen = 1000");
    await expect(totals("reserved_fen = 1001")).rejects.toThrow();
    await expect(totals("refunded_fen = 1001")).rejects.toThrow();
    await expect(totals("reserved_fen = -1")).rejects.toThrow();
    await totals("refunded_fen = 600");
    // Refunded can never be more than what refunds still hold.
    await expect(totals("reserved_fen = 500")).rejects.toThrow();
    await expect(totals("captured_fen = 2000")).rejects.toThrow();
  });

  it("keeps out_refund_no unique, and never changes what names a refund at the channel", async () => {
    const insert = (id: string, outRefundNo: string) =>
      sql`insert into refunds (id, app_id, order_id, payment_id, channel, out_refund_no, amount_fen, status, return_stock, created_at, updated_at) values (${id}, 'app_default', 'ord_1', 'pay_1', 'wechatpay', ${outRefundNo}, 100, 'PROCESSING', 0, ${T}, ${T})`.execute(
        database.db,
      );
    await insert("rfd_1", "rfd_1");
    await expect(insert("rfd_2", "rfd_1")).rejects.toThrow();
    const update = (set: string) =>
      sql`update refunds set ${sql.raw(set)} where id = 'rfd_1'`.execute(database.db);
    await expect(update("out_refund_no = 'rfd_9'")).rejects.toThrow(/assigned once/);
    await expect(update("amount_fen = 200")).rejects.toThrow(/assigned once/);
    await expect(update("status = 'BOGUS'")).rejects.toThrow();
    await expect(update("amount_fen = 0")).rejects.toThrow();
    // The state moves, and setting a fixed column to the value it has is no change.
    await update("status = 'SUCCESS', channel_refund_id = '50300', amount_fen = 100");
    const row = await database.db
      .selectFrom("refunds")
      .select(["status", "out_refund_no"])
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: "SUCCESS", out_refund_no: "rfd_1" });
  });
});
