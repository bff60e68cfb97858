import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type RunningSandbox, startSandbox } from "@kassa/sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type KassaConfig, loadConfig } from "../../src/config.ts";
import { type RunningKassa, runKassa } from "../../src/main.ts";
import { atSimulator } from "../at-simulator.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { createTestDatabase } from "../database.ts";
import { findSecretsInLogs } from "../log-scan.ts";

/**
 * Issue 8 §1, end to end: one Kassa in production mode serves two mini programs of two
 * merchants, read from KASSA_APPS_FILE with every secret in a file of its own (the files the
 * simulator writes for each merchant, as WeChat Pay's downloads would be). Each mini program
 * names its app at login and on the catalog; each app's payments go to its own merchant, and
 * its notifications come back to its own notify URL.
 *
 * The one change made to the loaded configuration is the channel's address: production
 * refuses a WeChat Pay base URL that is not https, and the simulator listens on http here.
 */
const SHOP = { mchid: "1683920475", appid: "wx5c2e8a71d09f43b6" };
const CAFE = { mchid: "1683920476", appid: "wx9d14b6e2a07c35f8" };

let sandbox: RunningSandbox;
let kassa: RunningKassa;
const dir = mkdtempSync(join(tmpdir(), "kassa-apps-file-flow-"));
const logs: string[] = [];
const secrets: string[] = [];

function writeSecret(name: string, value: string): string {
  secrets.push(value);
  const path = join(dir, name);
  writeFileSync(path, value, { mode: 0o600 });
  return path;
}

/** The apps file's entry for one merchant, pointing at the key files the simulator wrote. */
function merchantEntry(mchid: string) {
  const merchant = sandbox.admin.getMerchant(mchid);
  const json = JSON.parse(readFileSync(merchant.files.merchantJson, "utf8")) as {
    appSecret: string;
    apiV3Key: string;
  };
  return {
    merchant: {
      wechatpay: {
        mchid,
        merchantSerialNo: merchant.merchantSerialNo,
        merchantPrivateKeyFile: merchant.files.privateKey,
        apiV3KeyFile: writeSecret(`${mchid}-apiv3`, json.apiV3Key),
        publicKeyId: merchant.wechatpayPublicKeyId,
        publicKeyFile: merchant.files.wechatpayPublicKey,
      },
    },
    appSecretFile: writeSecret(`${mchid}-app-secret`, json.appSecret),
  };
}

beforeAll(async () => {
  sandbox = await startSandbox({
    dataDir: join(dir, "sandbox"),
    port: 0,
    config: {
      merchants: [
        { ...SHOP, merchantName: "Tea shop", certificates: false },
        { ...CAFE, merchantName: "Cafe", certificates: false },
      ],
    },
  });
  const shop = merchantEntry(SHOP.mchid);
  const cafe = merchantEntry(CAFE.mchid);
  const appsFile = join(dir, "apps.json");
  writeFileSync(
    appsFile,
    JSON.stringify({
      defaultApp: "app_shop",
      merchants: { mch_shop: shop.merchant, mch_cafe: cafe.merchant },
      apps: {
        app_shop: { merchant: "mch_shop", wechat: { appid: SHOP.appid, appSecretFile: shop.appSecretFile } },
        app_cafe: { merchant: "mch_cafe", wechat: { appid: CAFE.appid, appSecretFile: cafe.appSecretFile } },
      },
    }),
  );
  const loaded = loadConfig(
    {
      KASSA_MODE: "production",
      PORT: "0",
      DATABASE_URL: "postgres://unused", // the test hands runKassa its own database
      KASSA_PUBLIC_BASE_URL: "https://pay.example.cn",
      KASSA_APPS_FILE: appsFile,
      LOG_LEVEL: "info",
    },
    dir,
  );
  const config: KassaConfig = {
    ...atSimulator(loaded, sandbox),
    publicBaseUrl: undefined, // notify this process, where the simulator can reach it
  };
  const database = await createTestDatabase();
  kassa = await runKassa({
    config,
    database,
    startWorker: false,
    logDestination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(...String(chunk).split("\n").filter(Boolean));
        done();
      },
    }),
  });
  const now = Date.now();
  await database.db
    .insertInto("products")
    .values([
      {
        id: "prd_shop_tea",
        app_id: "app_shop",
        name: "Tea",
        price_fen: 1200,
        stock: 5,
        active: 1,
        created_at: now,
      },
      {
        id: "prd_cafe_latte",
        app_id: "app_cafe",
        name: "Latte",
        price_fen: 2800,
        stock: 5,
        active: 1,
        created_at: now,
      },
    ])
    .execute();
});
afterAll(async () => {
  await kassa?.close();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
  expect(findSecretsInLogs(logs, { values: secrets })).toEqual([]);
});
// Every money flow ends with books that hold (issue 9 §1): here two apps, two chains.
afterEach(() => expectLedgerHolds(kassa.kassa.deps.db));

async function call(method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const response = await fetch(`${kassa.url}${path}`, {
    method,
    headers: {
      ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function loginAt(
  appid: string,
  app?: string,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const code = await sandbox.admin.mintLoginCode({ appid });
  secrets.push(code.openid);
  return call("POST", "/v1/session", { body: { code: code.code, ...(app ? { app } : {}) } });
}

const catalogIds = async (query: string) =>
  ((await call("GET", `/v1/catalog${query}`)).body.items as { id: string }[]).map((item) => item.id);

describe("several apps from KASSA_APPS_FILE", () => {
  it("lists each app's own catalog, the default app's when none is named", async () => {
    expect(await catalogIds("?app=app_cafe")).toEqual(["prd_cafe_latte"]);
    expect(await catalogIds("?app=app_shop")).toEqual(["prd_shop_tea"]);
    expect(await catalogIds("")).toEqual(["prd_shop_tea"]);
    const unknown = await call("GET", "/v1/catalog?app=app_tea");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: "APP_NOT_FOUND" });
  });

  it("logs in to the app named, with that app's own appid and secret", async () => {
    expect((await loginAt(CAFE.appid, "app_cafe")).status).toBe(201);
    // A code minted for the shop is refused at code2Session made with the cafe's appid (§7.2).
    const crossed = await loginAt(SHOP.appid, "app_cafe");
    expect(crossed.status).toBe(401);
    expect(crossed.body).toMatchObject({ code: "AUTH_LOGIN_CODE_INVALID" });
    const unknown = await loginAt(CAFE.appid, "app_tea");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: "APP_NOT_FOUND" });
  });

  it("pays a cafe order to the cafe's merchant, notified at the cafe's own notify URL", async () => {
    const token = (await loginAt(CAFE.appid, "app_cafe")).body.token as string;
    secrets.push(token);
    const refused = await call("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_shop_tea", quantity: 1 }] },
    });
    expect(refused.body).toMatchObject({ code: "PRODUCT_NOT_FOUND" });

    const order = await call("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_cafe_latte", quantity: 1 }] },
    });
    expect(order.status).toBe(201);
    const orderId = order.body.id as string;
    const params = (await call("POST", `/v1/orders/${orderId}/pay`, { token })).body;
    expect(params.appId).toBe(CAFE.appid);
    const paid = await fetch(`${sandbox.url}/cashier/api/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...params, bankType: "CMB_CREDIT" }),
    });
    expect(paid.status).toBe(200);

    // The cashier answers once the simulator took the money; Kassa applies its notification
    // a moment later (CI once read the order first).
    await expect
      .poll(async () => (await call("GET", `/v1/orders/${orderId}`, { token })).body.status)
      .toBe("PAID");
    expect(sandbox.admin.getOrder(CAFE.mchid, orderId)).toMatchObject({
      appid: CAFE.appid,
      amountTotal: 2800,
      state: "SUCCESS",
    });
    const [delivery] = sandbox.admin.listNotifications({ mchid: CAFE.mchid, outTradeNo: orderId });
    expect(delivery?.status).toBe("DELIVERED");
    expect(delivery?.url).toBe(`${kassa.url}/notify/wechatpay/app_cafe`);
    expect(() => sandbox.admin.getOrder(SHOP.mchid, orderId)).toThrow();
  });
});
