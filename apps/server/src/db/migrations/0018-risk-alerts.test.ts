import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { migrateToLatest } from "../migrate.ts";
import { MIGRATIONS } from "./index.ts";

/**
 * Migration 0018 on alerts as earlier code left them: acknowledged ones start acknowledged,
 * the others open; of several live alerts of one (kind, subject, app), the newest stays live
 * and the others are resolved naming why; and afterwards the database refuses a second live
 * alert of a key. SQLite and PostgreSQL.
 */
let database: TestDatabase;
const T = 1_764_000_000_000;

function alert(id: string, subject: string, at: number, app: string | null, acknowledged: boolean) {
  return sql`insert into alerts (id, kind, subject_id, detail, created_at, app_id, acknowledged_at, acknowledged_by)
    values (${id}, 'paid_after_close', ${subject}, '{}', ${at}, ${app}, ${acknowledged ? at : null}, ${acknowledged ? "opr_1" : null})`.execute(
    database.db,
  );
}

beforeAll(async () => {
  database = await createTestDatabase({ upTo: "0001-init" });
  const { "0018-risk-alerts": _riskAlerts, ...before } = MIGRATIONS;
  await migrateToLatest(database, before);
  await alert("alr_old", "ord_1", T, "app_default", false);
  await alert("alr_new", "ord_1", T + 1, "app_default", true);
  await alert("alr_other_app", "ord_1", T, null, false);
  await alert("alr_alone", "ord_2", T, "app_default", true);
  const applied = await migrateToLatest(database);
  expect(applied.map((result) => [result.migrationName, result.status])).toEqual([
    ["0018-risk-alerts", "Success"],
  ]);
});
afterAll(async () => {
  await database?.close();
});

describe("migration 0018", () => {
  it("gives earlier alerts their state and keeps one live alert per key", async () => {
    const rows = await database.db
      .selectFrom("alerts")
      .select(["id", "status", "repeat_count", "last_seen_at", "resolution_note"])
      .orderBy("id")
      .execute();
    expect(rows.map((row) => [row.id, row.status])).toEqual([
      ["alr_alone", "acknowledged"],
      ["alr_new", "acknowledged"],
      ["alr_old", "resolved"],
      ["alr_other_app", "open"],
    ]);
    expect(rows.find((row) => row.id === "alr_old")?.resolution_note).toMatch(/migration 0018/);
    expect(rows.every((row) => row.repeat_count === 1 && row.last_seen_at !== null)).toBe(true);
  });

  it("refuses a second live alert of one key, and any status outside the table", async () => {
    const key = '["paid_after_close","ord_2","app_default"]';
    await expect(
      sql`insert into alerts (id, kind, subject_id, detail, created_at, app_id, live_key) values ('alr_dup', 'paid_after_close', 'ord_2', '{}', ${T}, 'app_default', ${key})`.execute(
        database.db,
      ),
    ).rejects.toThrow();
    await expect(
      sql`update alerts set status = 'closed' where id = 'alr_alone'`.execute(database.db),
    ).rejects.toThrow();
  });
});
