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

describe("bindApp for an app without WeChat Pay (issue 14)", () => {
  const T = 1_764_000_000_000;
  it("binds no appid, keeps the merchant's mchid, and says when WeChat Pay was taken away", async () => {
    const wechat = { appId: "app_both", merchantId: "mch_shared", wechatAppid: "wx9d14b6e2a07c35f8" };
    await bindApp(database.db, { ...wechat, wechatMchid: "1683920499", now: T });
    // Another app of the same merchant, with Alipay only: the merchant's mchid stays.
    expect(
      await bindApp(database.db, {
        appId: "app_alipay",
        merchantId: "mch_shared",
        wechatAppid: null,
        wechatMchid: null,
        now: T,
      }),
    ).toEqual({ previousWechatAppid: null });
    // The WeChat app loses WeChat Pay: its old appid is said, and freed for another app.
    expect(await bindApp(database.db, { ...wechat, wechatAppid: null, wechatMchid: null, now: T })).toEqual({
      previousWechatAppid: "wx9d14b6e2a07c35f8",
    });
    const apps = await database.db
      .selectFrom("apps")
      .select(["id", "wechat_appid"])
      .where("id", "in", ["app_both", "app_alipay"])
      .orderBy("id")
      .execute();
    expect(apps).toEqual([
      { id: "app_alipay", wechat_appid: null },
      { id: "app_both", wechat_appid: null },
    ]);
    const merchant = await database.db
      .selectFrom("merchants")
      .select("wechatpay_mchid")
      .where("id", "=", "mch_shared")
      .executeTakeFirstOrThrow();
    expect(merchant.wechatpay_mchid).toBe("1683920499");
  });
});
