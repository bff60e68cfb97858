import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { migrateTo } from "../migrate.ts";

/**
 * Migration 0013 on a database as 0012 left it: the index is made, in this database's own
 * tables (SQLite's, and on PostgreSQL the test's schema, not another test's).
 */
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ upTo: "0012-payment-queries" });
  // Up to 0013 only: a later migration must not change what this test sees applied.
  const applied = await migrateTo(database, "0013-payments-paid-index");
  expect(applied.map((result) => [result.migrationName, result.status])).toEqual([
    ["0013-payments-paid-index", "Success"],
  ]);
});
afterAll(async () => {
  await database?.close();
});

describe("migration 0013: payments by app and paid time", () => {
  it("makes the index payments_app_paid", async () => {
    const found =
      database.dialect === "postgres"
        ? await sql<{
            name: string;
          }>`select indexname as name from pg_indexes where schemaname = current_schema() and indexname = 'payments_app_paid'`.execute(
            database.db,
          )
        : await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'index' and name = 'payments_app_paid'`.execute(
            database.db,
          );
    expect(found.rows.map((row) => row.name)).toEqual(["payments_app_paid"]);
  });
});
