import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createWechatPayClient } from "@kassa/wechatpay";
import { sql } from "kysely";
import { type ComposedKassa, composeKassa } from "../../apps/server/src/compose.ts";
import { DEFAULT_RETENTION } from "../../apps/server/src/config-retention.ts";
import { connectDatabase, type DatabaseHandle } from "../../apps/server/src/db/connect.ts";
import { migrateToLatest } from "../../apps/server/src/db/migrate.ts";
import { DEFAULT_APP_ID } from "../../apps/server/src/db/migrations/0004-apps.ts";
import { systemClock } from "../../apps/server/src/domain/clock.ts";
import { DEFAULT_RISK_SETTINGS } from "../../apps/server/src/domain/risk.ts";
import { createLogger } from "../../apps/server/src/http/logging.ts";

export interface KassaInProcess {
  url: string;
  kassa: ComposedKassa;
  database: DatabaseHandle;
  stop(): Promise<void>;
}

/**
 * Kassa wired as production wires it (PostgreSQL, the WeChat Pay client, the job worker),
 * with the client pointed at the simulator process: the same code path a merchant runs.
 */
export async function startKassaInProcess(options: {
  databaseUrl: string;
  sandboxUrl: string;
  sandboxDataDir: string;
  mchid: string;
}): Promise<KassaInProcess> {
  const schema = `kassa_bench_${randomBytes(4).toString("hex")}`;
  const admin = connectDatabase({ url: options.databaseUrl, poolSize: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  await admin.close();
  const database = connectDatabase({ url: options.databaseUrl, schema, poolSize: 16 });
  await migrateToLatest(database);
  await database.db
    .insertInto("products")
    .values({
      id: "prd_bench",
      app_id: DEFAULT_APP_ID,
      name: "Bench tea",
      price_fen: 1,
      stock: 10_000_000,
      active: 1,
      created_at: Date.now(),
    })
    .execute();

  const files = join(options.sandboxDataDir, "merchants", options.mchid);
  const merchant = JSON.parse(await readFile(join(files, "merchant.json"), "utf8")) as {
    mchid: string;
    appid: string;
    appSecret: string;
    apiV3Key: string;
    merchantSerialNo: string;
    wechatpayPublicKeyId: string;
  };
  const wechatpay = createWechatPayClient({
    mchid: merchant.mchid,
    appid: merchant.appid,
    appSecret: merchant.appSecret,
    apiV3Key: merchant.apiV3Key,
    merchantSerialNo: merchant.merchantSerialNo,
    merchantPrivateKey: await readFile(join(files, "apiclient_key.pem")),
    wechatPayPublicKey: {
      id: merchant.wechatpayPublicKeyId,
      key: await readFile(join(files, "wechatpay_public_key.pem")),
    },
    baseUrl: options.sandboxUrl,
    loginBaseUrl: options.sandboxUrl,
    backupBaseUrl: null,
  });
  let url = "";
  const kassa = await composeKassa({
    database,
    apps: [
      {
        id: DEFAULT_APP_ID,
        wechatpay: { client: wechatpay, appid: merchant.appid, mchid: merchant.mchid },
        publicBaseUrl: () => url,
      },
    ],
    defaultAppId: DEFAULT_APP_ID,
    clock: systemClock,
    logger: createLogger("warn"),
    settings: {
      apiKeyMode: "test",
      orderTtlMs: 30 * 60_000,
      sessionTtlMs: 3_600_000,
      confirmWaitMs: 3_000,
      maxOpenOrdersPerUser: 5,
      maxHeldUnitsPerUser: 200,
      walletTopUp: { minFen: 100, maxFen: 500_000 },
      consoleRefunds: { approvalAboveFen: 100_000, supportMaxFen: 20_000 },
      retention: DEFAULT_RETENTION,
      alerting: { wecomRobotUrl: undefined },
      risk: DEFAULT_RISK_SETTINGS,
    },
    redisUrl: undefined,
    trustProxy: false,
    limits: { perIpPerMinute: 10_000_000, perUserPerMinute: 10_000_000, loginPerIpPerMinute: 10_000_000 },
    // The benchmark has no webhook endpoints: no deliveries are made, so no key is needed.
    webhooks: { secretBox: undefined, mode: "demo", allowedHosts: () => [], timeoutMs: 5_000 },
    // The benchmark never opens the console's settings page.
    consoleSettings: { apps: () => [], runConfigCheck: async () => [] },
  });
  url = (await kassa.app.listen({ host: "127.0.0.1", port: 0 })).replace(/\/$/, "");
  kassa.worker.start();
  kassa.sealer.start();
  return {
    url,
    kassa,
    database,
    async stop() {
      await kassa.worker.stop();
      await kassa.sealer.stop();
      await kassa.app.close();
      await kassa.limiter.close();
      await sql`drop schema ${sql.id(schema)} cascade`.execute(database.db);
      await database.close();
    },
  };
}
