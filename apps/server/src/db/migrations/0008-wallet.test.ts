import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { migrateToLatest } from "../migrate.ts";
import { MIGRATIONS } from "./index.ts";

/**
 * Migration 0008 on a database as the code before it left it: every other migration ran
 * (0009-0012 included; migrate.ts applies the one that lands late). Orders already there
 * become purchases without a bonus; only a top-up may carry a bonus; tiers and adjustments
 * start empty and refuse amounts no rule can book. SQLite and PostgreSQL.
 */
let database: TestDatabase;
const T = 1_764_000_000_000;

beforeAll(async () => {
  database = await createTestDatabase({ upTo: "0001-init" });
  // 0014 and 0017 build on this one (booking and tip orders), so they wait for it here too.
  const { "0008-wallet": _wallet, "0014-bookings": _bookings, "0017-tips": _tips, ...before } = MIGRATIONS;
  await migrateToLatest(database, before);
  const db = database.db;
  await sql`insert into users (id, app_id, appid, openid, created_at) values ('usr_1', 'app_default', 'wx1', 'o-1', ${T})`.execute(
    db,
  );
  await sql`insert into orders (id, app_id, user_id, status, amount_fen, description, expires_at, created_at, updated_at) values ('ord_1', 'app_default', 'usr_1', 'PAID', 1200, 'x', ${T}, ${T}, ${T})`.execute(
    db,
  );
  const applied = await migrateToLatest(database);
  expect(applied.map((result) => [result.migrationName, result.status])).toEqual([
    ["0008-wallet", "Success"],
    ["0014-bookings", "Success"],
    ["0017-tips", "Success"],
  ]);
});
afterAll(async () => {
  await database?.close();
});

const order = (id: string, kind: string, bonus: number) =>
  sql`insert into orders (id, app_id, user_id, status, amount_fen, description, expires_at, created_at, updated_at, kind, bonus_fen) values (${id}, 'app_default', 'usr_1', 'PENDING', 1000, 'x', ${T}, ${T}, ${T}, ${kind}, ${bonus})`.execute(
    database.db,
  );

describe("migration 0008: the wallet", () => {
  it("makes the orders already there purchases without a bonus", async () => {
    const row = await database.db
      .selectFrom("orders")
      .select(["kind", "bonus_fen", "top_up_tier_id"])
      .where("id", "=", "ord_1")
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ kind: "purchase", bonus_fen: 0, top_up_tier_id: null });
  });

  it("lets only a top-up carry a bonus, and refuses an unknown kind", async () => {
    await expect(order("ord_2", "top_up", 100)).resolves.toBeDefined();
    await expect(order("ord_3", "purchase", 100)).rejects.toThrow();
    await expect(order("ord_4", "gift", 0)).rejects.toThrow();
    await expect(order("ord_5", "top_up", -1)).rejects.toThrow();
  });

  it("adds the tier and adjustment tables, empty, refusing amounts no rule books", async () => {
    for (const table of ["wallet_tiers", "wallet_adjustments"] as const)
      expect(await database.db.selectFrom(table).selectAll().execute()).toEqual([]);
    const tier = (id: string, amount: number, bonus: number) =>
      sql`insert into wallet_tiers (id, app_id, amount_fen, bonus_fen, created_at, updated_at) values (${id}, 'app_default', ${amount}, ${bonus}, ${T}, ${T})`.execute(
        database.db,
      );
    await expect(tier("wtr_1", 10_000, 1_000)).resolves.toBeDefined();
    await expect(tier("wtr_2", 0, 0)).rejects.toThrow();
    await expect(tier("wtr_3", 100, -1)).rejects.toThrow();
    const adjustment = (id: string, amount: number, reason: string) =>
      sql`insert into wallet_adjustments (id, app_id, user_id, amount_fen, reason, created_at) values (${id}, 'app_default', 'usr_1', ${amount}, ${reason}, ${T})`.execute(
        database.db,
      );
    await expect(adjustment("wad_1", -500, "goodwill reversed")).resolves.toBeDefined();
    await expect(adjustment("wad_2", 0, "nothing")).rejects.toThrow();
    await expect(adjustment("wad_3", 100, "")).rejects.toThrow();
  });
});
