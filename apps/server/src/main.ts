import type { RunningSandbox } from "@kassa/sandbox";
import { createWechatPayClient } from "@kassa/wechatpay";
import { type ComposedKassa, composeKassa } from "./compose.ts";
import { type KassaConfig, loadConfig, type WechatPayCredentials } from "./config.ts";
import { bindApp } from "./db/apps-repo.ts";
import { connectDatabase, type DatabaseHandle } from "./db/connect.ts";
import { databaseUnavailable } from "./db/connection-problem.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { DEFAULT_APP_ID, DEFAULT_MERCHANT_ID } from "./db/migrations/0004-apps.ts";
import { inTransaction } from "./db/transaction.ts";
import { type Clock, systemClock } from "./domain/clock.ts";
import { createLogger } from "./http/logging.ts";
import type { KassaApp } from "./http/server.ts";
import { seedDemoCatalog } from "./seed.ts";

export interface RunningKassa {
  url: string;
  config: Readonly<KassaConfig>;
  kassa: ComposedKassa;
  /** Demo mode only: the simulator Kassa pays through. */
  sandbox: RunningSandbox | undefined;
  close(): Promise<void>;
}

export interface StartOptions {
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
  /** Where logs go; stdout by default. Tests capture them to scan for secrets. */
  logDestination?: NodeJS.WritableStream;
  /** Demo mode: the simulator's port (0 picks one). */
  sandboxPort?: number;
  workerPollMs?: number;
  /** Demo mode: pay through this running simulator instead of starting one (a second instance). */
  sandbox?: RunningSandbox;
  /** False in tests that drive the job worker themselves, step by step. */
  startWorker?: boolean;
}

/**
 * The composition root (design.md): config → database → channel → use cases → HTTP and
 * jobs. `npm start` runs it in demo mode; production is the same code with real credentials.
 */
export async function startKassa(options: StartOptions): Promise<RunningKassa> {
  const config = loadConfig(options.env, options.cwd);
  let database: DatabaseHandle | undefined;
  try {
    database = connectDatabase({ url: config.databaseUrl });
    await migrateToLatest(database);
  } catch (error) {
    await database?.close().catch(() => undefined);
    // A database that is down, missing or unwritable is the operator's to fix: say so plainly.
    throw databaseUnavailable(error, config.databaseUrl) ?? error;
  }
  return runKassa({ ...options, config, database });
}

function demoRoutes(sandbox: RunningSandbox) {
  return async (app: KassaApp) => {
    const { demoPage } = await import("./http/demo/demo-page.ts");
    await demoPage(app, sandbox);
  };
}

export interface RunOptions extends Omit<StartOptions, "env" | "cwd"> {
  config: Readonly<KassaConfig>;
  /** Migrated; closed by `close()`. */
  database: DatabaseHandle;
}

/** Everything after the database is open: tests enter here with their own database. */
export async function runKassa(options: RunOptions): Promise<RunningKassa> {
  const { config, database } = options;
  const logger = createLogger(config.logLevel, options.logDestination);

  // Notify URLs are made per prepay, after we know our own address (port 0 in tests).
  let listeningUrl = `http://${config.host}:${config.port}`;
  const publicBaseUrl = () => config.publicBaseUrl ?? listeningUrl;

  let sandbox: RunningSandbox | undefined;
  let credentials: WechatPayCredentials;
  let clock: Clock = systemClock;
  if (config.mode === "demo") {
    // Loaded only in demo mode: a production process never loads the simulator.
    const { startDemoSandbox, useDemoSandbox } = await import("./channels/demo-sandbox.ts");
    const demo = options.sandbox
      ? await useDemoSandbox(options.sandbox)
      : await startDemoSandbox({
          dataDir: config.dataDir,
          port: options.sandboxPort ?? 8780,
          notifyUrl: `${publicBaseUrl()}/notify/wechatpay/${DEFAULT_APP_ID}`,
        });
    sandbox = demo.sandbox;
    credentials = demo.credentials;
    // One clock for Kassa, its signatures and the simulator, so virtual time stays coherent.
    clock = { now: () => demo.sandbox.clock.now() };
    await seedDemoCatalog(database.db, clock.now());
  } else {
    if (!config.wechatpay) throw new Error("production mode without WeChat Pay credentials");
    credentials = config.wechatpay;
  }

  const wechatpay = createWechatPayClient({
    mchid: credentials.mchid,
    appid: credentials.appid,
    appSecret: credentials.appSecret,
    merchantSerialNo: credentials.merchantSerialNo,
    merchantPrivateKey: credentials.merchantPrivateKeyPem,
    apiV3Key: credentials.apiV3Key,
    ...(credentials.publicKey
      ? { wechatPayPublicKey: { id: credentials.publicKey.id, key: credentials.publicKey.pem } }
      : {}),
    ...(credentials.downloadPlatformCertificates ? { platformCertificates: "download" as const } : {}),
    ...(credentials.baseUrl ? { baseUrl: credentials.baseUrl } : {}),
    ...(credentials.loginBaseUrl ? { loginBaseUrl: credentials.loginBaseUrl } : {}),
    ...(sandbox ? { backupBaseUrl: null } : {}),
    clock: () => clock.now(),
  });

  // The one app configured from the environment is the database's default app (0004-apps).
  const app = { appId: DEFAULT_APP_ID, merchantId: DEFAULT_MERCHANT_ID };
  const bound = await inTransaction(database.db, (trx) =>
    bindApp(trx, {
      ...app,
      wechatAppid: credentials.appid,
      wechatMchid: credentials.mchid,
      now: clock.now(),
    }),
  );
  if (bound.previousWechatAppid)
    logger.warn(
      { appId: app.appId, previousWechatAppid: bound.previousWechatAppid, wechatAppid: credentials.appid },
      "the configured appid differs from the one this database was used with; users of the old appid cannot log in to this one",
    );

  const kassa = await composeKassa({
    database,
    apps: [
      {
        id: app.appId,
        wechatAppid: credentials.appid,
        wechatMchid: credentials.mchid,
        wechatpay,
        publicBaseUrl,
      },
    ],
    defaultAppId: app.appId,
    clock,
    logger,
    settings: {
      apiKeyMode: config.mode === "production" ? "live" : "test",
      orderTtlMs: config.orderTtlMinutes * 60_000,
      sessionTtlMs: config.sessionTtlHours * 3_600_000,
      confirmWaitMs: 3_000,
      maxOpenOrdersPerUser: config.maxOpenOrdersPerUser,
      maxHeldUnitsPerUser: config.maxHeldUnitsPerUser,
    },
    redisUrl: config.redisUrl,
    trustProxy: config.trustProxy,
    limits: config.rateLimits,
    worker: { pollMs: options.workerPollMs ?? 1_000 },
    ...(sandbox ? { extraRoutes: demoRoutes(sandbox) } : {}),
  });
  listeningUrl = (await kassa.app.listen({ host: config.host, port: config.port })).replace(/\/$/, "");
  if (options.startWorker !== false) kassa.worker.start();

  return {
    url: listeningUrl,
    config,
    kassa,
    sandbox,
    async close() {
      await kassa.worker.stop();
      await kassa.app.close();
      await kassa.limiter.close();
      if (!options.sandbox) await sandbox?.close();
      await database.close();
    },
  };
}
