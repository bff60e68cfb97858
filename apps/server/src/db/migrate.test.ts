import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../test/database.ts";
import { connectDatabase, type DatabaseHandle } from "./connect.ts";
import { migrateToLatest } from "./migrate.ts";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

describe("migrations", () => {
  it("apply once: a second run finds nothing left to do", async () => {
    await expect(migrateToLatest(handle)).resolves.toEqual([]);
  });

  it("store fen and epoch milliseconds as exact integers on both databases", async () => {
    const big = 8_640_000_000_000; // an epoch-ms far in the future, beyond 32 bits
    await handle.db
      .insertInto("products")
      .values({
        id: "prd_1",
        app_id: "app_default",
        name: "Tea",
        price_fen: 999_999_999,
        stock: 3,
        active: 1,
        created_at: big,
      })
      .execute();
    const row = await handle.db
      .selectFrom("products")
      .selectAll()
      .where("id", "=", "prd_1")
      .executeTakeFirstOrThrow();
    expect(row.price_fen).toBe(999_999_999);
    expect(row.created_at).toBe(big);
  });

  it("refuse a negative stock, so an oversell fails in the database even if code is wrong", async () => {
    await expect(
      handle.db.updateTable("products").set({ stock: -1 }).where("id", "=", "prd_1").execute(),
    ).rejects.toThrow();
  });

  it("refuse a second notification with the same id", async () => {
    const row = {
      notification_id: "n-1",
      channel: "wechatpay",
      event_type: "TRANSACTION.SUCCESS",
      out_trade_no: "ord1",
      outcome: "applied",
      received_at: 1,
    };
    await handle.db.insertInto("channel_notifications").values(row).execute();
    await expect(handle.db.insertInto("channel_notifications").values(row).execute()).rejects.toThrow();
  });
});

const postgresUrl = process.env.DATABASE_URL?.match(/^postgres(ql)?:\/\//)
  ? process.env.DATABASE_URL
  : undefined;

// PostgreSQL only: schemas are what SQLite does not have.
describe.skipIf(!postgresUrl)("migrations on a PostgreSQL database shared with others", () => {
  it("create Kassa's own migration tables even when another schema already has Kysely's", async () => {
    const url = postgresUrl ?? "";
    const suffix = randomBytes(4).toString("hex");
    const [other, ours] = [`other_app_${suffix}`, `kassa_${suffix}`];
    const admin = connectDatabase({ url, poolSize: 1 });
    try {
      await sql`create schema ${sql.id(other)}`.execute(admin.db);
      await sql`create table ${sql.id(other)}.kysely_migration_lock (id varchar(255) primary key, is_locked integer not null default 0)`.execute(
        admin.db,
      );
      await sql`create schema ${sql.id(ours)}`.execute(admin.db);
      const kassa = connectDatabase({ url, schema: ours, poolSize: 2 });
      try {
        const results = await migrateToLatest(kassa);
        expect(results.map((result) => result.status)).toEqual(results.map(() => "Success"));
        expect(results.length).toBeGreaterThan(0);
      } finally {
        await kassa.close();
      }
    } finally {
      await sql`drop schema if exists ${sql.id(other)} cascade`.execute(admin.db);
      await sql`drop schema if exists ${sql.id(ours)} cascade`.execute(admin.db);
      await admin.close();
    }
  });
});
