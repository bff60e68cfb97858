import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { type RunningSandbox, startSandbox } from "@kassa/sandbox";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { scheduleRerun } from "../../src/app/merchant/reconciliation.ts";
import { type KassaConfig, loadConfig } from "../../src/config.ts";
import { inTransaction } from "../../src/db/transaction.ts";
import { latestReadyDay } from "../../src/domain/reconciliation.ts";
import { type RunningKassa, runKassa } from "../../src/main.ts";
import { atSimulator } from "../at-simulator.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import { findSecretsInLogs } from "../log-scan.ts";

/**
 * Issue 14, "an app can have WeChat Pay, Alipay or both": a production Kassa whose one app
 * takes Alipay only, configured from the ALIPAY_* variables with the key files the simulator
 * wrote (as Alipay's key tool and console hand them out) and no WECHATPAY_* variable at all.
 * Its mini program logs in without naming a channel, and pays through Alipay.
 *
 * The one change made to the loaded configuration is the gateway's address (at-simulator.ts):
 * production refuses a gateway that is not https (A.3), and the simulator listens on http here.
 */
const ALIPAY_APP = { appId: "2021004188812345", sellerId: "2088731904620001" };

let sandbox: RunningSandbox;
let database: TestDatabase;
let kassa: RunningKassa;
const dir = mkdtempSync(join(tmpdir(), "kassa-alipay-only-"));
const logs: string[] = [];
const secrets: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({
    dataDir: join(dir, "sandbox"),
    port: 0,
    // The app's notify address at Alipay's console; Kassa names its own on every trade (A.4).
    config: {
      alipayApps: [
        { ...ALIPAY_APP, keyMode: "key", notifyUrl: "https://pay.example.cn/notify/alipay/app_default" },
      ],
    },
  });
  const { files, appPrivateKeyPem } = sandbox.admin.alipayCredentials(ALIPAY_APP.appId);
  secrets.push(appPrivateKeyPem);
  const loaded = loadConfig(
    {
      KASSA_MODE: "production",
      PORT: "0",
      DATABASE_URL: "postgres://unused", // the test hands runKassa its own database
      KASSA_PUBLIC_BASE_URL: "https://pay.example.cn",
      ALIPAY_APP_ID: ALIPAY_APP.appId,
      ALIPAY_SELLER_ID: ALIPAY_APP.sellerId,
      ALIPAY_APP_PRIVATE_KEY_FILE: files.appPrivateKey,
      ALIPAY_PUBLIC_KEY_FILE: files.alipayPublicKey,
      LOG_LEVEL: "info",
    },
    dir,
  );
  const config: KassaConfig = {
    ...atSimulator(loaded, sandbox),
    publicBaseUrl: undefined, // notify this process, where the simulator can reach it
  };
  database = await createTestDatabase();
  await seedWechatPayment(database);
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
  await database.db
    .insertInto("products")
    .values({
      id: "prd_oolong",
      app_id: "app_default",
      name: "Oolong",
      price_fen: 1800,
      stock: 5,
      active: 1,
      created_at: Date.now(),
    })
    .execute();
});
afterAll(async () => {
  await kassa?.close();
  await sandbox?.close();
  rmSync(dir, { recursive: true, force: true });
  expect(findSecretsInLogs(logs, { values: secrets })).toEqual([]);
});
afterEach(() => expectLedgerHolds(kassa.kassa.deps.db));

/**
 * A WeChat Pay payment the app began before its WeChat Pay account was taken away: its
 * notifications, queries and refunds cannot work now, and the start says so.
 */
async function seedWechatPayment(database: TestDatabase): Promise<void> {
  const now = Date.now();
  const app_id = "app_default";
  await database.db
    .insertInto("users")
    .values({
      id: "usr_wechat_before",
      app_id,
      channel: "wechatpay",
      appid: "wx5c2e8a71d09f43b6",
      openid: "o-before",
      created_at: now,
      purged_at: null,
    })
    .execute();
  await database.db
    .insertInto("orders")
    .values({
      id: "ord_wechat_before",
      app_id,
      user_id: "usr_wechat_before",
      status: "PENDING",
      amount_fen: 100,
      description: "Tea",
      expires_at: now,
      created_at: now,
      updated_at: now,
      top_up_tier_id: null,
    })
    .execute();
  await database.db
    .insertInto("payments")
    .values({
      id: "pay_wechat_before",
      app_id,
      order_id: "ord_wechat_before",
      channel: "wechatpay",
      out_trade_no: "ord_wechat_before",
      status: "PENDING",
      amount_fen: 100,
      expires_at: now,
      prepay_id: null,
      prepay_expires_at: null,
      prepay_lease_until: null,
      transaction_id: null,
      bank_type: null,
      paid_at: null,
      prepaid_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

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

/** my.getAuthCode's stand-in, exchanged at Kassa with the body given. */
async function loginWith(body: Record<string, unknown>) {
  const code = await sandbox.admin.mintAlipayAuthCode({ appId: ALIPAY_APP.appId });
  secrets.push(code.userId, code.openId, code.code);
  return call("POST", "/v1/session", { body: { code: code.code, ...body } });
}

describe("an app with Alipay only, in production", () => {
  it("binds the app without a WeChat appid, and warns of the WeChat Pay payments it can no longer reach", async () => {
    const app = await database.db
      .selectFrom("apps")
      .select(["id", "wechat_appid"])
      .where("id", "=", "app_default")
      .executeTakeFirstOrThrow();
    expect(app).toEqual({ id: "app_default", wechat_appid: null });
    const warnings = logs
      .filter((line) => /"level":(40|50)/.test(line))
      .map((line) => JSON.parse(line) as { appId?: string; channel?: string; msg: string });
    expect(warnings).toMatchObject([
      {
        appId: "app_default",
        channel: "wechatpay",
        msg: expect.stringMatching(
          /^this app has wechatpay payments in the database but no wechatpay account configured/,
        ),
      },
    ]);
  });

  it("logs in through Alipay when the session request names no channel, and pays an order through it", async () => {
    const login = await loginWith({});
    expect(login.status).toBe(201);
    const token = login.body.token as string;
    secrets.push(token);

    const created = await call("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_oolong", quantity: 1 }] },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ status: "PENDING", channel: "alipay", amountFen: 1800 });
    const orderId = created.body.id as string;

    const pay = await call("POST", `/v1/orders/${orderId}/pay`, { token });
    expect(pay.status).toBe(200);
    // A.2: what my.tradePay takes, and nothing else.
    expect(Object.keys(pay.body)).toEqual(["tradeNO"]);
    const tradeNO = pay.body.tradeNO as string;
    const [trade, ...more] = sandbox.admin
      .listAlipayTrades({ appId: ALIPAY_APP.appId })
      .filter((listed) => listed.tradeNo === tradeNO);
    expect(more).toEqual([]);
    expect(trade).toMatchObject({ status: "WAIT_BUYER_PAY", totalFen: 1800 });
    if (!trade) throw new Error("the simulator holds no trade for the tradeNO Kassa answered");

    // The buyer pays; the simulator posts Alipay's signed notification to /notify/alipay/app_default.
    await sandbox.admin.payAlipayTrade(ALIPAY_APP.appId, trade.outTradeNo);
    let order: Record<string, unknown> = {};
    for (let tries = 0; tries < 200 && order.status !== "PAID"; tries += 1) {
      if (tries > 0) await new Promise((resolve) => setTimeout(resolve, 20));
      order = (await call("GET", `/v1/orders/${orderId}`, { token })).body;
    }
    expect(order).toMatchObject({ status: "PAID", channel: "alipay", transactionId: tradeNO });
    expect(trade.notifyUrl).toMatch(/\/notify\/alipay\/app_default$/);
  });

  it("refuses a WeChat login for it, naming the channel it lacks", async () => {
    const answer = await call("POST", "/v1/session", {
      body: { code: "0a3Xk21w3Lq8Yd0n", channel: "wechatpay" },
    });
    expect(answer.body).toMatchObject({ code: "APP_CHANNEL_NOT_CONFIGURED" });
  });

  it("reconciles its Alipay days by default, and refuses a re-run of a WeChat Pay day it cannot have", async () => {
    const { deps } = kassa.kassa;
    const appId = deps.apps.default.id;
    expect(deps.apps.defaultChannel(appId)).toBe("alipay");
    const day = latestReadyDay(deps.clock.now());
    await expect(
      inTransaction(deps.db, (trx) => scheduleRerun(deps, trx, { appId, channel: "wechatpay", day })),
    ).rejects.toMatchObject({ code: "APP_CHANNEL_NOT_CONFIGURED" });
    expect(
      await inTransaction(deps.db, (trx) => scheduleRerun(deps, trx, { appId, channel: "alipay", day })),
    ).toEqual({
      day,
      channel: "alipay",
      scheduled: true,
    });
  });
});
