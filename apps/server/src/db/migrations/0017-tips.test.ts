import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { migrateTo, migrateToLatest } from "../migrate.ts";
import { MIGRATIONS } from "./index.ts";

/**
 * Migration 0017 on a database as the code before it left it (every other migration ran):
 * orders keep their kind and bonus through the widened CHECK (SQLite rebuilds the two
 * columns), a tip order may be made, the old rules still refuse what they refused, and the
 * tip tables refuse rules and totals no tip could have. SQLite and PostgreSQL.
 */
let database: TestDatabase;
const T = 1_764_000_000_000;

beforeAll(async () => {
  database = await createTestDatabase({ upTo: "0001-init" });
  const { "0017-tips": _tips, ...before } = MIGRATIONS;
  await migrateToLatest(database, before);
  const db = database.db;
  await sql`insert into users (id, app_id, appid, openid, created_at) values ('usr_1', 'app_default', 'wx1', 'o-1', ${T})`.execute(
    db,
  );
  await order("ord_purchase", "purchase", 0);
  await order("ord_top_up", "top_up", 500);
  await order("ord_booking", "booking", 0);
  const applied = await migrateToLatest(database);
  expect(applied.map((result) => [result.migrationName, result.status])).toEqual([["0017-tips", "Success"]]);
});
afterAll(async () => {
  await database?.close();
});

function order(id: string, kind: string, bonus: number) {
  return sql`insert into orders (id, app_id, user_id, status, amount_fen, description, expires_at, created_at, updated_at, kind, bonus_fen) values (${id}, 'app_default', 'usr_1', 'PENDING', 1000, 'x', ${T}, ${T}, ${T}, ${kind}, ${bonus})`.execute(
    database.db,
  );
}

function recipient(id: string, min: number, max: number, cap: number) {
  return sql`insert into tip_recipients (id, app_id, name, preset_amounts, min_fen, max_fen, daily_cap_fen, time_zone, active, created_at, updated_at) values (${id}, 'app_default', 'Ada', '[]', ${min}, ${max}, ${cap}, 'Asia/Shanghai', 1, ${T}, ${T})`.execute(
    database.db,
  );
}

describe("migration 0017: tips", () => {
  it("keeps every order's kind and bonus", async () => {
    const rows = await database.db
      .selectFrom("orders")
      .select(["id", "kind", "bonus_fen"])
      .orderBy("id")
      .execute();
    expect(rows.map((row) => [row.id, row.kind, Number(row.bonus_fen)])).toEqual([
      ["ord_booking", "booking", 0],
      ["ord_purchase", "purchase", 0],
      ["ord_top_up", "top_up", 500],
    ]);
  });

  it("takes tip orders, and still refuses unknown kinds and a bonus on anything but a top-up", async () => {
    await order("ord_tip", "tip", 0);
    await expect(order("ord_gift", "gift", 0)).rejects.toThrow();
    await expect(order("ord_tip_bonus", "tip", 100)).rejects.toThrow();
  });

  it("refuses bounds no tip fits, and a daily total below zero", async () => {
    await expect(recipient("rcp_bad_min", 0, 100, 100)).rejects.toThrow();
    await expect(recipient("rcp_bad_max", 200, 100, 500)).rejects.toThrow();
    await expect(recipient("rcp_bad_cap", 200, 300, 100)).rejects.toThrow();
    await recipient("rcp_1", 100, 500, 1000);
    await sql`insert into tip_daily_totals (recipient_id, user_id, day, held_fen, updated_at) values ('rcp_1', 'usr_1', '2026-12-02', 100, ${T})`.execute(
      database.db,
    );
    await expect(
      sql`update tip_daily_totals set held_fen = -1 where recipient_id = 'rcp_1'`.execute(database.db),
    ).rejects.toThrow();
  });

  it("goes down and up again", async () => {
    await sql`delete from tip_daily_totals`.execute(database.db);
    await sql`delete from tip_recipients`.execute(database.db);
    await migrateTo(database, "0016-ledger-seals");
    // Going down to 0016 also undoes the later-numbered migrations that ran, so 0017 is among
    // those applied again, not alone.
    expect((await migrateToLatest(database)).map((result) => result.migrationName)).toContain("0017-tips");
    expect(await migrateToLatest(database)).toEqual([]);
  });
});
