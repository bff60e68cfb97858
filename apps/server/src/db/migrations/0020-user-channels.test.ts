import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../../test/database.ts";
import { migrateToLatest } from "../migrate.ts";
import { MIGRATIONS } from "./index.ts";

/**
 * Migration 0020 on a database as the code before it left it: every user before it logged
 * in with wx.login, so each is a WeChat user; an Alipay user may be added beside them, and a
 * channel Kassa has no adapter for is refused. SQLite and PostgreSQL.
 */
let database: TestDatabase;
const T = 1_764_000_000_000;

beforeAll(async () => {
  database = await createTestDatabase({ upTo: "0001-init" });
  const { "0020-user-channels": _userChannels, ...before } = MIGRATIONS;
  await migrateToLatest(database, before);
  await sql`insert into users (id, app_id, appid, openid, created_at) values ('usr_1', 'app_default', 'wx1', 'o-1', ${T})`.execute(
    database.db,
  );
  const applied = await migrateToLatest(database);
  expect(applied.map((result) => [result.migrationName, result.status])).toEqual([
    ["0020-user-channels", "Success"],
  ]);
});
afterAll(async () => {
  await database?.close();
});

describe("migration 0020: the channel each user logs in through", () => {
  it("makes every earlier user a WeChat user, and takes an Alipay user beside them", async () => {
    await sql`insert into users (id, app_id, channel, appid, openid, created_at) values ('usr_2', 'app_default', 'alipay', '2021000000000001', '2088000000000777', ${T})`.execute(
      database.db,
    );
    const rows = await sql<{
      id: string;
      channel: string;
    }>`select id, channel from users order by id`.execute(database.db);
    expect(rows.rows).toEqual([
      { id: "usr_1", channel: "wechatpay" },
      { id: "usr_2", channel: "alipay" },
    ]);
  });

  it("refuses a channel Kassa has no adapter for", async () => {
    const insert = sql`insert into users (id, app_id, channel, appid, openid, created_at) values ('usr_3', 'app_default', 'paypal', 'x', 'y', ${T})`;
    await expect(insert.execute(database.db)).rejects.toThrow();
  });
});
