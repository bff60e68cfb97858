import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import { connectDatabase } from "./connect.ts";
import { migrateToLatest } from "./migrate.ts";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const postgresUrl = /^postgres(ql)?:/.test(process.env.DATABASE_URL ?? "")
  ? process.env.DATABASE_URL
  : undefined;

// PostgreSQL only: SQLite has no schemas for other tenants to come and go in.
describe.skipIf(!postgresUrl)("introspection of Kassa's own schema (PostgreSQL)", () => {
  it("lists this schema's tables only, and migrates while other schemas are dropped beside it", async () => {
    const admin = connectDatabase({ url: postgresUrl as string, poolSize: 4 });
    try {
      const tables = await database.db.introspection.getTables();
      const own = (await sql<{ name: string }>`select current_schema() as name`.execute(database.db)).rows[0]
        ?.name;
      expect(tables.length).toBeGreaterThan(20);
      expect(new Set(tables.map((table) => table.schema))).toEqual(new Set([own]));
      expect(tables.find((table) => table.name === "orders")?.columns.map((c) => c.name)).toContain(
        "amount_fen",
      );
      // Schemas made and dropped the whole time: Kysely's own introspector fails with
      // "schema … does not exist" when one goes while it runs.
      let churning = true;
      const churn = (async () => {
        while (churning) {
          const name = `kassa_churn_${randomBytes(4).toString("hex")}`;
          await sql`create schema ${sql.id(name)}`.execute(admin.db);
          await sql`create table ${sql.id(name)}.t (id int)`.execute(admin.db);
          await sql`drop schema ${sql.id(name)} cascade`.execute(admin.db);
        }
      })();
      try {
        for (let round = 0; round < 30; round += 1) {
          expect(await migrateToLatest(database)).toEqual([]);
        }
      } finally {
        churning = false;
        await churn;
      }
    } finally {
      await admin.close();
    }
  }, 60_000);
});
