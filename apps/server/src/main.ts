import type { RunningSandbox } from "@kassa/sandbox";
import type { Logger } from "pino";
import { consoleSettingsOf } from "./app/admin/console-settings.ts";
import { ensureDemoOperator } from "./app/admin/demo-operator.ts";
import { alipayClientFor } from "./channels/alipay-client-for.ts";
import { wechatPayClientFor } from "./channels/wechatpay-client-for.ts";
import { type ComposedKassa, type ConfiguredApp, composeKassa } from "./compose.ts";
import { type AppConfig, type KassaConfig, loadConfig } from "./config.ts";
import { bindApp } from "./db/apps-repo.ts";
import { connectDatabase, type DatabaseHandle } from "./db/connect.ts";
import { databaseUnavailable } from "./db/connection-problem.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { DEFAULT_APP_ID, DEFAULT_MERCHANT_ID } from "./db/migrations/0004-apps.ts";
import { inTransaction } from "./db/transaction.ts";
import { type Clock, systemClock } from "./domain/clock.ts";
import { EXTERNAL_CHANNELS } from "./domain/payment.ts";
import { createLogger } from "./http/logging.ts";
import type { KassaApp } from "./http/server.ts";
import { withinDeadline } from "./jobs/worker.ts";
import { listening } from "./port-in-use.ts";
import { seedDemoBookings, seedDemoCatalog, seedDemoRecipients, seedDemoTiers } from "./seed.ts";
import { startProgress } from "./start-banner.ts";
import { masterKeyOf } from "./webhooks/master-key.ts";

export interface RunningKassa {
  url: string;
  config: Readonly<KassaConfig>;
  kassa: ComposedKassa;
  /** Demo mode only: the simulator Kassa pays through. */
  sandbox: RunningSandbox | undefined;
  /** Demo mode only: the operator made for the console, and its password (printed at start). */
  demoOperator: { login: string; password: string } | undefined;
  close(): Promise<void>;
  /**
   * SIGTERM and SIGINT (cli.ts): stop taking requests, let those in flight and the jobs
   * running finish for up to `deadlineMs`, then cut what is left, give back the leases of
   * jobs still running, and close the database.
   */
  shutdown(deadlineMs: number): Promise<ShutdownReport>;
}

export interface ShutdownReport {
  /** Requests still unanswered at the deadline, whose connections were cut. */
  requestsCut: boolean;
  /** Job leases given back because their jobs outlasted the deadline. */
  leasesReleased: number;
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
  /**
   * One line per step of the start (cli.ts prints them), so a first start, which migrates,
   * makes the simulator's keys and seeds the demo, is not seconds of silence (issue 13).
   */
  progress?: (line: string) => void;
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
    options.progress?.(startProgress.migrating(config.databaseUrl));
    const applied = await migrateToLatest(database);
    options.progress?.(startProgress.migrated(applied.length));
  } catch (error) {
    await database?.close().catch(() => undefined);
    // A database that is down, missing or unwritable is the operator's to fix: say so plainly.
    throw databaseUnavailable(error, config.databaseUrl) ?? error;
  }
  const running = await runKassa({ ...options, config, database });
  // Here, not in runKassa: a password hash costs a second of CPU, and tests start many instances.
  if (config.mode === "demo") {
    options.progress?.(startProgress.operator);
    running.demoOperator = await ensureDemoOperator(running.kassa.deps, config.dataDir);
  }
  return running;
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
  let apps: readonly AppConfig[];
  let clock: Clock = systemClock;
  if (config.mode === "demo") {
    // Loaded only in demo mode: a production process never loads the simulator.
    const { startDemoSandbox, useDemoSandbox } = await import("./channels/demo-sandbox.ts");
    options.progress?.(startProgress.simulator);
    const demo = options.sandbox
      ? await useDemoSandbox(options.sandbox)
      : await listening(
          {
            host: "127.0.0.1",
            port: options.sandboxPort ?? config.simulatorPort,
            what: "the WeChat Pay simulator",
            variable: "KASSA_SIMULATOR_PORT",
          },
          () =>
            startDemoSandbox({
              dataDir: config.dataDir,
              port: options.sandboxPort ?? config.simulatorPort,
              kassaUrl: publicBaseUrl(),
            }),
        );
    sandbox = demo.sandbox;
    apps = [
      {
        id: DEFAULT_APP_ID,
        merchantId: DEFAULT_MERCHANT_ID,
        wechatpay: demo.credentials,
        alipay: demo.alipay,
        webhookDomains: [],
      },
    ];
    // One clock for Kassa, its signatures and the simulator, so virtual time stays coherent.
    clock = { now: () => demo.sandbox.clock.now() };
    options.progress?.(startProgress.seeding);
    await seedDemoCatalog(database.db, clock.now());
    await seedDemoTiers(database.db, clock.now());
    await seedDemoBookings(database.db, clock.now());
    await seedDemoRecipients(database.db, clock.now());
  } else {
    apps = config.apps;
  }

  await warnOfAppsNoLongerServed(database, apps, logger);
  await warnOfChannelsNoLongerServed(database, apps, logger);
  const configured: ConfiguredApp[] = [];
  for (const app of apps) {
    await bindConfiguredApp(database, app, clock, logger);
    configured.push({
      id: app.id,
      wechatpay: app.wechatpay
        ? {
            appid: app.wechatpay.appid,
            mchid: app.wechatpay.mchid,
            // The simulator has no backup domain to fail over to.
            client: wechatPayClientFor(app.wechatpay, clock, sandbox ? { backupBaseUrl: null } : {}),
          }
        : undefined,
      alipay: app.alipay
        ? { client: alipayClientFor(app.alipay, clock), sellerId: app.alipay.sellerId }
        : undefined,
      publicBaseUrl,
    });
  }

  const defaultAppId = config.mode === "demo" ? DEFAULT_APP_ID : config.defaultAppId;
  const kassa = await composeKassa({
    database,
    consoleSettings: consoleSettingsOf({
      mode: config.mode,
      apps,
      defaultAppId,
      clock,
      database,
      databaseUrl: config.databaseUrl,
      redisUrl: config.redisUrl,
      // As registeredApp makes them (compose.ts): read per call, the port is known after listen.
      notifyUrl: (appId, channel) => `${publicBaseUrl()}/notify/${channel}/${appId}`,
    }),
    metricsToken: config.metricsToken,
    mode: config.mode,
    apps: configured,
    defaultAppId,
    clock,
    logger,
    settings: {
      apiKeyMode: config.mode === "production" ? "live" : "test",
      orderTtlMs: config.orderTtlMinutes * 60_000,
      sessionTtlMs: config.sessionTtlHours * 3_600_000,
      confirmWaitMs: 3_000,
      maxOpenOrdersPerUser: config.maxOpenOrdersPerUser,
      maxHeldUnitsPerUser: config.maxHeldUnitsPerUser,
      walletTopUp: config.walletTopUp,
      consoleRefunds: config.consoleRefunds,
      retention: config.retention,
      alerting: { wecomRobotUrl: config.wecomRobotUrl },
      risk: config.risk,
    },
    redisUrl: config.redisUrl,
    trustProxy: config.trustProxy,
    tls: config.tls,
    limits: config.rateLimits,
    merchantLimits: config.merchantRateLimits,
    worker: { pollMs: options.workerPollMs ?? 1_000 },
    webhooks: {
      secretBox: masterKeyOf(config),
      mode: config.mode,
      allowedHosts: (appId) => apps.find((app) => app.id === appId)?.webhookDomains ?? [],
      timeoutMs: config.webhooks.timeoutMs,
    },
    ...(sandbox ? { extraRoutes: demoRoutes(sandbox) } : {}),
  });
  options.progress?.(startProgress.listening(config.host, config.port));
  listeningUrl = (
    await listening({ host: config.host, port: config.port, what: "Kassa", variable: "PORT" }, () =>
      kassa.app.listen({ host: config.host, port: config.port }),
    )
  ).replace(/\/$/, "");
  if (options.startWorker !== false) {
    kassa.worker.start();
    kassa.webhookWorker.start();
    kassa.sealer.start();
  }

  let shutDown: Promise<ShutdownReport> | undefined;
  return {
    url: listeningUrl,
    config,
    kassa,
    sandbox,
    demoOperator: undefined,
    async close() {
      // After a shutdown, nothing is left to close (tests close every instance at the end).
      if (shutDown) return void (await shutDown);
      await kassa.worker.stop();
      await kassa.webhookWorker.stop();
      await kassa.sealer.stop();
      await kassa.app.close();
      await closeTheRest();
    },
    shutdown(deadlineMs) {
      shutDown ??= shutdown(deadlineMs);
      return shutDown;
    },
  };

  async function shutdown(deadlineMs: number): Promise<ShutdownReport> {
    const started = Date.now();
    const left = () => Math.max(0, deadlineMs - (Date.now() - started));
    logger.info(
      { deadlineMs },
      "shutting down: no new requests; finishing those in flight and the running jobs",
    );
    // Fastify's close stops listening, answers 503 to new requests on open connections,
    // closes idle ones, and resolves when the requests in flight are answered.
    const http = kassa.app.close();
    const jobs = Promise.all([kassa.worker.drain(deadlineMs), kassa.webhookWorker.drain(deadlineMs)]);
    const answered = await withinDeadline(http, left());
    if (!answered) kassa.app.server.closeAllConnections();
    const leasesReleased = (await jobs).reduce((sum, count) => sum + count, 0);
    if (!answered || leasesReleased > 0)
      logger.warn(
        { requestsCut: !answered, leasesReleased },
        "shutdown deadline passed: unanswered requests were cut, and running jobs' leases given back for another instance",
      );
    // A seal in progress is one short transaction: let it commit before the database closes.
    await kassa.sealer.stop();
    await closeTheRest();
    return { requestsCut: !answered, leasesReleased };
  }

  async function closeTheRest(): Promise<void> {
    await kassa.limiter.close();
    if (!options.sandbox) await sandbox?.close();
    await database.close();
  }
}

/**
 * Make the database's app and merchant rows name the accounts configuration gives them. A
 * changed appid is said loudly: the users of the old one cannot log in to the new one.
 */
async function bindConfiguredApp(
  database: DatabaseHandle,
  app: AppConfig,
  clock: Clock,
  logger: Logger,
): Promise<void> {
  const wechatAppid = app.wechatpay?.appid ?? null;
  const bound = await inTransaction(database.db, (trx) =>
    bindApp(trx, {
      appId: app.id,
      merchantId: app.merchantId,
      wechatAppid,
      wechatMchid: app.wechatpay?.mchid ?? null,
      now: clock.now(),
    }),
  );
  if (bound.previousWechatAppid && wechatAppid)
    logger.warn(
      { appId: app.id, previousWechatAppid: bound.previousWechatAppid, wechatAppid },
      "the configured appid differs from the one this database was used with; users of the old appid cannot log in to this one",
    );
  else if (bound.previousWechatAppid)
    logger.warn(
      { appId: app.id, previousWechatAppid: bound.previousWechatAppid },
      "this app was used with WeChat Pay but has no WeChat Pay account configured now: its WeChat users cannot log in, and its WeChat Pay payments cannot be queried or refunded until it is configured again",
    );
}

/**
 * An app with orders in the database that configuration no longer lists: its payers cannot
 * log in, and its payments' notifications and jobs fail, until it is configured again. Said
 * at every start, since the operator may have renamed it by mistake (env → KASSA_APPS_FILE).
 */
async function warnOfAppsNoLongerServed(
  database: DatabaseHandle,
  apps: readonly AppConfig[],
  logger: Logger,
): Promise<void> {
  const served = apps.map((app) => app.id);
  const orphans = await database.db
    .selectFrom("orders")
    .select("app_id")
    .distinct()
    .where("app_id", "not in", served)
    .execute();
  for (const { app_id: appId } of orphans)
    logger.warn(
      { appId, served },
      "this app has orders in the database but is not configured: its notifications and jobs fail until it is listed again (in KASSA_APPS_FILE, the app of the WECHATPAY_* variables is app_default)",
    );
}

/**
 * An app configured without a channel it has payments through (issue 14: WeChat Pay or Alipay
 * taken away from an app): those payments' notifications, queries and refunds fail until the
 * channel's account is configured again. Said at every start, as an app no longer served is.
 */
async function warnOfChannelsNoLongerServed(
  database: DatabaseHandle,
  apps: readonly AppConfig[],
  logger: Logger,
): Promise<void> {
  const used = await database.db
    .selectFrom("payments")
    .select(["app_id", "channel"])
    .distinct()
    .where("app_id", "in", apps.length > 0 ? apps.map((app) => app.id) : [""])
    .where("channel", "in", [...EXTERNAL_CHANNELS])
    .execute();
  for (const { app_id: appId, channel } of used) {
    const app = apps.find((configured) => configured.id === appId);
    if (!app || (channel === "wechatpay" ? app.wechatpay : app.alipay)) continue;
    logger.warn(
      { appId, channel },
      `this app has ${channel} payments in the database but no ${channel} account configured: their notifications, queries and refunds fail until it is configured again (${channel === "wechatpay" ? "WECHATPAY_*, or the app's wechat entry" : "ALIPAY_*, or the app's alipay entry"})`,
    );
  }
}
