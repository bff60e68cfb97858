import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { bindApp } from "../apps-repo.ts";
import { migrateToLatest } from "../migrate.ts";
import { DEFAULT_APP_ID, DEFAULT_MERCHANT_ID } from "./0004-apps.ts";

/**
 * Migration 0004 on a database as the code before it left it: every user, product, order,
 * payment and event lands in the default app of the default merchant, which the single
 * configured app then binds to its appid and mchid. SQLite and PostgreSQL.
 */
let database: TestDatabase;
const T = 1_764_000_000_000;

beforeAll(async () => {
  database = await createTestDatabase({ upTo: "0003-session-indexes" });
  const db = database.db;
  await sql`insert into users (id, appid, openid, created_at) values ('usr_1', 'wxd678efh567hg6787', 'o-1', ${T})`.execute(
    db,
  );
  await sql`insert into products (id, name, price_fen, stock, active, created_at) values ('prd_tea', 'Tea', 1200, 5, 1, ${T})`.execute(
    db,
  );
  await sql`insert into orders (id, user_id, status, amount_fen, description, expires_at, created_at, updated_at) values ('ord_1', 'usr_1', 'PAID', 1200, 'Tea x1', ${T}, ${T}, ${T})`.execute(
    db,
  );
  await sql`insert into payments (id, order_id, channel, out_trade_no, status, amount_fen, expires_at, created_at, updated_at) values ('pay_1', 'ord_1', 'wechatpay', 'ord_1', 'PAID', 1200, ${T}, ${T}, ${T})`.execute(
    db,
  );
  await sql`insert into outbox_events (id, type, aggregate_id, payload, created_at) values ('evt_1', 'order.paid', 'ord_1', '{}', ${T})`.execute(
    db,
  );
  await migrateToLatest(database);
});
afterAll(async () => {
  await database?.close();
});

describe("migration 0004: merchants and apps", () => {
  it("puts every row made before it in the default app", async () => {
    for (const table of ["users", "products", "orders", "payments", "outbox_events"] as const) {
      const rows = await database.db.selectFrom(table).select("app_id").execute();
      expect(rows).toEqual([{ app_id: DEFAULT_APP_ID }]);
    }
    const app = await database.db.selectFrom("apps").selectAll().executeTakeFirstOrThrow();
    expect(app).toMatchObject({ id: DEFAULT_APP_ID, merchant_id: DEFAULT_MERCHANT_ID, wechat_appid: null });
  });

  it("binds the configured appid and mchid to the default app, and says when the appid changed", async () => {
    const binding = { appId: DEFAULT_APP_ID, merchantId: DEFAULT_MERCHANT_ID, wechatMchid: "1900000109" };
    expect(await bindApp(database.db, { ...binding, wechatAppid: "wxd678efh567hg6787", now: T })).toEqual({
      previousWechatAppid: null,
    });
    expect(await bindApp(database.db, { ...binding, wechatAppid: "wxd678efh567hg6787", now: T })).toEqual({
      previousWechatAppid: null,
    });
    expect(await bindApp(database.db, { ...binding, wechatAppid: "wx1111111111111111", now: T })).toEqual({
      previousWechatAppid: "wxd678efh567hg6787",
    });
    const merchant = await database.db.selectFrom("merchants").selectAll().executeTakeFirstOrThrow();
    expect(merchant.wechatpay_mchid).toBe("1900000109");
  });

  it("refuses a second app with the same WeChat appid", async () => {
    await expect(
      bindApp(database.db, {
        appId: "app_second",
        merchantId: DEFAULT_MERCHANT_ID,
        wechatAppid: "wx1111111111111111",
        wechatMchid: "1900000109",
        now: T,
      }),
    ).rejects.toThrow();
  });
});
