import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import { type PagePosition, pageAfter } from "./keyset-page.ts";

/**
 * pageAfter, the one keyset-paging rule of every list: paging through rows that share their
 * sort value (the same millisecond) neither repeats nor skips one, in either direction, on
 * SQLite and PostgreSQL (the row-value comparison `(sort, id) > (?, ?)`).
 */
let database: TestDatabase;
/** 7 rows over 3 distinct times: ties at 1000 (3 rows) and 2000 (2 rows). */
const ROWS = [
  ["svc_a", 1000],
  ["svc_c", 1000],
  ["svc_b", 1000],
  ["svc_d", 2000],
  ["svc_e", 2000],
  ["svc_f", 3000],
  ["svc_g", 500],
] as const;

beforeAll(async () => {
  database = await createTestDatabase();
  await database.db
    .insertInto("booking_services")
    .values(
      ROWS.map(([id, at]) => ({
        id,
        app_id: "app_default",
        name: id,
        cancellation_policy: "[]",
        created_at: at,
        updated_at: at,
      })),
    )
    .execute();
});
afterAll(async () => {
  await database?.close();
});

async function pageThrough(newestFirst: boolean, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let after: PagePosition | undefined;
  for (let pages = 0; pages < 20; pages++) {
    const rows = await pageAfter(
      database.db.selectFrom("booking_services").select(["id", "created_at"]),
      { sort: "created_at", id: "id", newestFirst },
      after,
    )
      .limit(limit)
      .execute();
    seen.push(...rows.map((row) => row.id));
    const last = rows.at(-1);
    if (rows.length < limit || !last) return seen;
    after = { createdAt: Number(last.created_at), id: last.id };
  }
  throw new Error("paging did not end");
}

describe("pageAfter", () => {
  const oldestFirst = ["svc_g", "svc_a", "svc_b", "svc_c", "svc_d", "svc_e", "svc_f"];

  it("pages oldest first by (time, id), across ties, with no repeat and no gap", async () => {
    for (const limit of [1, 2, 3, 7, 10])
      expect(await pageThrough(false, limit), `limit ${limit}`).toEqual(oldestFirst);
  });

  it("pages newest first the same way", async () => {
    for (const limit of [1, 2, 3, 7, 10])
      expect(await pageThrough(true, limit), `limit ${limit}`).toEqual([...oldestFirst].reverse());
  });
});
