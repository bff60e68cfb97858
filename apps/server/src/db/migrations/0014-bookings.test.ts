import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { migrateTo, migrateToLatest } from "../migrate.ts";
import { MIGRATIONS } from "./index.ts";

/**
 * Migration 0014 on a database as the code before it left it (every other migration ran): orders keep their kind and
 * bonus through the widened CHECK (SQLite rebuilds the two columns), a booking order may be
 * made, the old rules still refuse what they refused, and a slot's seats can never exceed its
 * capacity. SQLite and PostgreSQL.
 */
let database: TestDatabase;
const T = 1_764_000_000_000;

beforeAll(async () => {
  database = await createTestDatabase({ upTo: "0001-init" });
  // 0017 widens the kinds 0014 widens, so it waits for it here too.
  const { "0014-bookings": _bookings, "0017-tips": _tips, ...before } = MIGRATIONS;
  await migrateToLatest(database, before);
  const db = database.db;
  await sql`insert into users (id, app_id, appid, openid, created_at) values ('usr_1', 'app_default', 'wx1', 'o-1', ${T})`.execute(
    db,
  );
  await order("ord_purchase", "purchase", 0);
  await order("ord_top_up", "top_up", 500);
  await sql`insert into products (id, app_id, name, price_fen, stock, active, created_at) values ('prd_x', 'app_default', 'x', 1000, 1, 1, ${T})`.execute(
    db,
  );
  await sql`insert into order_lines (order_id, product_id, name, quantity, unit_price_fen) values ('ord_purchase', 'prd_x', 'x', 1, 1000)`.execute(
    db,
  );
  const applied = await migrateToLatest(database);
  expect(applied.map((result) => [result.migrationName, result.status])).toEqual([
    ["0014-bookings", "Success"],
    ["0017-tips", "Success"],
  ]);
});
afterAll(async () => {
  await database?.close();
});

function order(id: string, kind: string, bonus: number) {
  return sql`insert into orders (id, app_id, user_id, status, amount_fen, description, expires_at, created_at, updated_at, kind, bonus_fen) values (${id}, 'app_default', 'usr_1', 'PENDING', 1000, 'x', ${T}, ${T}, ${T}, ${kind}, ${bonus})`.execute(
    database.db,
  );
}

describe("migration 0014: bookings", () => {
  it("keeps every order's kind, bonus and lines", async () => {
    const rows = await database.db
      .selectFrom("orders")
      .select(["id", "kind", "bonus_fen"])
      .orderBy("id")
      .execute();
    expect(rows.map((row) => [row.id, row.kind, Number(row.bonus_fen)])).toEqual([
      ["ord_purchase", "purchase", 0],
      ["ord_top_up", "top_up", 500],
    ]);
    const lines = await database.db.selectFrom("order_lines").select("order_id").execute();
    expect(lines).toEqual([{ order_id: "ord_purchase" }]);
  });

  it("takes booking orders, and still refuses unknown kinds and a bonus on anything but a top-up", async () => {
    await order("ord_booking", "booking", 0);
    await expect(order("ord_gift", "gift", 0)).rejects.toThrow();
    await expect(order("ord_booking_bonus", "booking", 100)).rejects.toThrow();
  });

  it("refuses a slot whose seats held would exceed its capacity", async () => {
    const db = database.db;
    await sql`insert into booking_services (id, app_id, name, cancellation_policy, created_at, updated_at) values ('svc_1', 'app_default', 'Class', '[]', ${T}, ${T})`.execute(
      db,
    );
    await sql`insert into booking_slots (id, app_id, service_id, starts_at, ends_at, time_zone, capacity, seats_held, price_fen, status, created_at, updated_at) values ('slt_1', 'app_default', 'svc_1', ${T}, ${T + 1}, 'Asia/Shanghai', 2, 2, 100, 'OPEN', ${T}, ${T})`.execute(
      db,
    );
    await expect(
      sql`update booking_slots set seats_held = 3 where id = 'slt_1'`.execute(db),
    ).rejects.toThrow();
    await expect(sql`update booking_slots set capacity = 1 where id = 'slt_1'`.execute(db)).rejects.toThrow();
  });

  it("goes down and up again", async () => {
    await sql`delete from booking_slots`.execute(database.db);
    await sql`delete from booking_services`.execute(database.db);
    await migrateTo(database, "0013-payments-paid-index");
    // Down to 0013 undoes whatever later-numbered migrations ran too; 0014 is among those applied again.
    expect((await migrateToLatest(database)).map((result) => result.migrationName)).toContain(
      "0014-bookings",
    );
    expect(await migrateToLatest(database)).toEqual([]);
  });
});
