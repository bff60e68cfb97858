import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import type { DatabaseHandle } from "./connect.ts";
import { dailyTotal, holdDailyCap } from "./tips-repo.ts";

/**
 * The daily cap on the real database (SQLite, or PostgreSQL with DATABASE_URL), without the
 * user's row lock the use case also takes: concurrent holds of one payer's day, on several
 * connections, never add up above the cap, because the upsert's condition is evaluated on the
 * row as the one before committed it.
 */
let database: TestDatabase;
let others: DatabaseHandle[];
const T = 1_764_000_000_000;

beforeAll(async () => {
  database = await createTestDatabase();
  others = [database.connectAgain(), database.connectAgain(), database.connectAgain()];
  await sql`insert into users (id, app_id, appid, openid, created_at) values ('usr_1', 'app_default', 'wx1', 'o-1', ${T})`.execute(
    database.db,
  );
  await sql`insert into tip_recipients (id, app_id, name, preset_amounts, min_fen, max_fen, daily_cap_fen, time_zone, active, created_at, updated_at) values ('rcp_1', 'app_default', 'Ada', '[]', 100, 1000, 5000, 'Asia/Shanghai', 1, ${T}, ${T})`.execute(
    database.db,
  );
});
afterAll(async () => {
  for (const other of others ?? []) await other.close();
  await database?.close();
});

const key = { recipientId: "rcp_1", userId: "usr_1" };

describe("holdDailyCap", () => {
  it("lets 20 concurrent holds of one payer's day take at most the cap", async () => {
    const handles = [database, ...others];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (handles[index % handles.length] as DatabaseHandle).db
          .transaction()
          .execute((trx) =>
            holdDailyCap(trx, { ...key, day: "2026-12-02", amountFen: 700, capFen: 5_000, now: T + index }),
          ),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(7);
    expect(await dailyTotal(database.db, { ...key, day: "2026-12-02" })).toBe(4_900);
  });

  it("refuses a first hold above the cap, and counts each day apart", async () => {
    const hold = (day: string, amountFen: number) =>
      holdDailyCap(database.db, { ...key, day, amountFen, capFen: 5_000, now: T });
    expect(await hold("2026-12-03", 5_001)).toBe(false);
    expect(await dailyTotal(database.db, { ...key, day: "2026-12-03" })).toBe(0);
    expect(await hold("2026-12-03", 5_000)).toBe(true);
    expect(await hold("2026-12-03", 1)).toBe(false);
    expect(await hold("2026-12-04", 1)).toBe(true);
  });
});
