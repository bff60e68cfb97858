import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../test/database.ts";
import type { DatabaseHandle } from "./connect.ts";
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
    await expect(migrateToLatest(handle.db)).resolves.toEqual([]);
  });

  it("store fen and epoch milliseconds as exact integers on both databases", async () => {
    const big = 8_640_000_000_000; // an epoch-ms far in the future, beyond 32 bits
    await handle.db
      .insertInto("products")
      .values({ id: "prd_1", name: "Tea", price_fen: 999_999_999, stock: 3, active: 1, created_at: big })
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
