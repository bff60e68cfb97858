import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import { bindApp } from "./apps-repo.ts";
import type { DatabaseHandle } from "./connect.ts";
import { inTransaction } from "./transaction.ts";

/**
 * Several instances starting at once on an empty database (compose.yaml's three) each bind the
 * configured apps, on their own connections: every start succeeds, and there is one row.
 */
let database: TestDatabase;
let instances: DatabaseHandle[];

beforeAll(async () => {
  database = await createTestDatabase();
  instances = [database.connectAgain(), database.connectAgain(), database.connectAgain()];
});
afterAll(async () => {
  for (const instance of instances) await instance.close();
  await database.close();
});

describe("bindApp at the same start on several instances", () => {
  it("binds a new app once, and no instance's start fails", async () => {
    const binding = {
      appId: "app_cafe",
      merchantId: "mch_default",
      wechatAppid: "wx5c2e8a71d09f43b6",
      wechatMchid: "1683920475",
      now: 1_764_000_000_000,
    };
    const results = await Promise.allSettled(
      instances.map((instance) => inTransaction(instance.db, (trx) => bindApp(trx, binding))),
    );
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "fulfilled", "fulfilled"]);
    const rows = await database.db
      .selectFrom("apps")
      .select(["id", "wechat_appid", "merchant_id"])
      .where("id", "=", "app_cafe")
      .execute();
    expect(rows).toEqual([
      { id: "app_cafe", wechat_appid: "wx5c2e8a71d09f43b6", merchant_id: "mch_default" },
    ]);
  });
});
