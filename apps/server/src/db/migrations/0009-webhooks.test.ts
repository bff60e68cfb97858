import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { migrateToLatest } from "../migrate.ts";
import { MIGRATIONS } from "./index.ts";

/**
 * Migration 0009 on a database as the code before it left it: every other migration ran,
 * 0011 and 0012 included (migrate.ts allows the one that lands late). The events already
 * written get their per-object numbers in the order they were written, jobs already
 * scheduled stay in the default queue, and the webhook tables start empty. SQLite and
 * PostgreSQL.
 */
let database: TestDatabase;
const T = 1_764_000_000_000;

beforeAll(async () => {
  database = await createTestDatabase({ upTo: "0001-init" });
  // 0019 indexes webhook_attempts, and 0022 webhook_deliveries, so they wait for this one here too.
  const {
    "0009-webhooks": _webhooks,
    "0019-retention": _retention,
    "0022-event-retention": _eventRetention,
    ...before
  } = MIGRATIONS;
  await migrateToLatest(database, before);
  const db = database.db;
  for (const [id, aggregate] of [
    ["evt_a", "ord_1"],
    ["evt_b", "ord_2"],
    ["evt_c", "ord_1"],
    ["evt_d", "ord_1"],
  ])
    await sql`insert into outbox_events (id, app_id, type, aggregate_id, payload, created_at) values (${id}, 'app_default', 'order.closed', ${aggregate}, '{}', ${T})`.execute(
      db,
    );
  await sql`insert into jobs (id, kind, dedupe_key, payload, run_at, attempts, created_at) values ('job_1', 'order.query', 'query:ord_1', '{}', ${T}, 0, ${T})`.execute(
    db,
  );
  const applied = await migrateToLatest(database);
  expect(applied.map((result) => [result.migrationName, result.status])).toEqual([
    ["0009-webhooks", "Success"],
    ["0019-retention", "Success"],
    ["0022-event-retention", "Success"],
  ]);
});
afterAll(async () => {
  await database?.close();
});

describe("migration 0009: webhooks", () => {
  it("numbers each object's earlier events 1, 2, ... in the order they were written", async () => {
    const rows = await database.db
      .selectFrom("outbox_events")
      .select(["id", "aggregate_seq"])
      .orderBy("seq")
      .execute();
    expect(rows).toEqual([
      { id: "evt_a", aggregate_seq: 1 },
      { id: "evt_b", aggregate_seq: 1 },
      { id: "evt_c", aggregate_seq: 2 },
      { id: "evt_d", aggregate_seq: 3 },
    ]);
  });

  it("refuses a second event with an object's number already taken", async () => {
    await expect(
      sql`insert into outbox_events (id, app_id, type, aggregate_id, payload, created_at, aggregate_seq) values ('evt_e', 'app_default', 'order.paid', 'ord_1', '{}', ${T}, 3)`.execute(
        database.db,
      ),
    ).rejects.toThrow();
  });

  it("keeps the jobs already scheduled in the default queue", async () => {
    const job = await database.db.selectFrom("jobs").select(["id", "queue"]).executeTakeFirstOrThrow();
    expect(job).toEqual({ id: "job_1", queue: "default" });
  });

  it("adds the endpoint, delivery and attempt tables, empty", async () => {
    for (const table of ["webhook_endpoints", "webhook_deliveries", "webhook_attempts"] as const)
      expect(await database.db.selectFrom(table).selectAll().execute()).toEqual([]);
  });
});
