import type { AlipayClient } from "@kassa/alipay";
import type { WechatPayClient } from "@kassa/wechatpay";
import type { Logger } from "pino";
import type { ConsoleSettings } from "./app/admin/console-settings.ts";
import { AppRegistry, type RegisteredApp } from "./app/app-registry.ts";
import type { AppDeps, AppSettings } from "./app/deps.ts";
import { SingleFlight } from "./app/single-flight.ts";
import type { WebhookDeps } from "./app/webhooks/webhook-deps.ts";
import { alipayChannel } from "./channels/alipay-channel.ts";
import { alipayLoginChannel } from "./channels/alipay-login.ts";
import { wechatPayChannel } from "./channels/wechatpay-channel.ts";
import { wechatLoginChannel } from "./channels/wechatpay-login.ts";
import type { TrustProxy } from "./config.ts";
import type { TlsSettings } from "./config-tls.ts";
import type { DatabaseHandle } from "./db/connect.ts";
import { type Clock, systemClock } from "./domain/clock.ts";
import { buildApp } from "./http/app.ts";
import type { MerchantLimits } from "./http/merchant/context.ts";
import type { RateLimits } from "./http/mini-program/context.ts";
import type { KassaApp } from "./http/server.ts";
import { LedgerSealer } from "./jobs/ledger-sealer.ts";
import { JobWorker } from "./jobs/worker.ts";
import { MemoryRateLimiter, type RateLimiter } from "./limits/rate-limiter.ts";
import { RedisRateLimiter } from "./limits/redis-rate-limiter.ts";
import { type ChannelCallObserver, meteredChannel, meteredLogin } from "./observability/metered-channel.ts";
import { createMetrics, type KassaMetrics } from "./observability/metrics.ts";
import { randomIdSource } from "./random-ids.ts";

/**
 * An app as configuration gives it: its ids, its channels' clients, its base URL. It has
 * WeChat Pay, Alipay or both (issue 14); configuration refuses an app with neither.
 */
export interface ConfiguredApp {
  id: string;
  /** The app's WeChat Pay account, when it takes WeChat Pay: its appid, its merchant's mchid, and a client made for them. */
  wechatpay?: { client: WechatPayClient; appid: string; mchid: string } | undefined;
  /** The app's Alipay account, when it takes Alipay: its client and collecting seller_id. */
  alipay?: { client: AlipayClient; sellerId: string } | undefined;
  /** Where the channels reach Kassa (read per prepay: the port is known only after listen). */
  publicBaseUrl: () => string;
}

export interface ComposeInput {
  database: DatabaseHandle;
  apps: readonly ConfiguredApp[];
  /** The app that requests naming no app are for (the one configured from the environment). */
  defaultAppId: string;
  clock: Clock;
  logger: Logger;
  settings: AppSettings;
  redisUrl: string | undefined;
  trustProxy: TrustProxy;
  /** Built-in HTTPS (config.tls); plain HTTP when unset. */
  tls?: TlsSettings | undefined;
  limits: RateLimits;
  /** The merchant API's budgets (DEFAULT_MERCHANT_LIMITS when left out). */
  merchantLimits?: MerchantLimits;
  worker?: { pollMs?: number; batchSize?: number; leaseMs?: number };
  /** Webhooks' master key, URL rules and deadline (the rest of WebhookDeps is made here). */
  webhooks: Pick<WebhookDeps, "secretBox" | "mode" | "allowedHosts" | "timeoutMs">;
  extraRoutes?: (app: KassaApp) => Promise<void>;
  /** /metrics' bearer token (config.metricsToken), and the mode that decides without one. */
  metricsToken?: string | undefined;
  mode?: "demo" | "production";
  /** The configuration as the console's settings page shows it (app/admin/console-settings.ts). */
  consoleSettings: ConsoleSettings;
}

export interface ComposedKassa {
  deps: AppDeps;
  app: KassaApp;
  /** What /metrics shows (observability/metrics.ts). */
  metrics: KassaMetrics;
  /** The default queue: query-back, expiry, closes, sweeps. */
  worker: JobWorker;
  /** The webhooks queue, apart, so waiting on merchants' servers never delays the default one. */
  webhookWorker: JobWorker;
  /** Gives posted entries their place in the ledger's hash chain (db/ledger-seal.ts). */
  sealer: LedgerSealer;
  limiter: RateLimiter;
}

/** Deliveries in flight at once per instance; each holds a slot for at most its timeout. */
const WEBHOOK_CONCURRENCY = 16;

export const DEFAULT_LIMITS: RateLimits = {
  perIpPerMinute: 600,
  perUserPerMinute: 120,
  loginPerIpPerMinute: 30,
};

/**
 * The composition root's one wiring (design.md: main.ts and cli.ts use the same): the
 * channel over the WeChat Pay client, the use cases' dependencies, the HTTP app and the job
 * worker. Nothing here starts listening; the caller decides.
 */
export async function composeKassa(input: ComposeInput): Promise<ComposedKassa> {
  const limiter: RateLimiter = input.redisUrl
    ? new RedisRateLimiter(input.redisUrl)
    : new MemoryRateLimiter(() => input.clock.now());
  // Before the apps: each app's channels report their calls to it.
  const metrics = createMetrics(input.database, input.clock);
  const deps: AppDeps = {
    db: input.database.db,
    dialect: input.database.dialect,
    clock: input.clock,
    ids: randomIdSource,
    apps: new AppRegistry(
      input.apps.map((app) => registeredApp(app, input.clock, metrics.observeChannelCall)),
      input.defaultAppId,
    ),
    settings: input.settings,
    log: input.logger,
    limiter,
    flights: new SingleFlight(),
    webhooks: { ...input.webhooks, wallClock: systemClock, inFlight: new Map() },
    observe: metrics.app,
  };
  const app = await buildApp({
    deps,
    ops: { metrics, metricsToken: input.metricsToken, mode: input.mode ?? "production" },
    limiter,
    limits: input.limits,
    ...(input.merchantLimits ? { merchantLimits: input.merchantLimits } : {}),
    logger: input.logger,
    trustProxy: input.trustProxy,
    tls: input.tls,
    consoleSettings: input.consoleSettings,
    ...(input.extraRoutes ? { extra: input.extraRoutes } : {}),
  });
  const worker = new JobWorker(deps, {
    pollMs: input.worker?.pollMs ?? 1_000,
    batchSize: input.worker?.batchSize ?? 20,
    leaseMs: input.worker?.leaseMs ?? 60_000,
  });
  const webhookWorker = new JobWorker(deps, {
    queue: "webhooks",
    pollMs: Math.min(input.worker?.pollMs ?? 1_000, 250),
    batchSize: WEBHOOK_CONCURRENCY,
    concurrency: WEBHOOK_CONCURRENCY,
    // Far beyond an attempt's deadline, so a live attempt's job is never claimed twice.
    leaseMs: Math.max(input.worker?.leaseMs ?? 60_000, 10 * input.webhooks.timeoutMs),
  });
  // Often: until an entry is sealed the merchant's journal does not list it yet.
  const sealer = new LedgerSealer(deps, { pollMs: 100 });
  return { deps, app, worker, webhookWorker, sealer, limiter, metrics };
}

/**
 * Each app's channels, over its own client and metered; notify URLs carry the app (a path
 * segment, §5.1).
 */
function registeredApp(app: ConfiguredApp, clock: Clock, observe: ChannelCallObserver): RegisteredApp {
  const { wechatpay, alipay } = app;
  return {
    id: app.id,
    accounts: {
      ...(wechatpay ? { wechatpay: { appId: wechatpay.appid, merchantId: wechatpay.mchid } } : {}),
      ...(alipay ? { alipay: { appId: alipay.client.appId, merchantId: alipay.sellerId } } : {}),
    },
    notifyUrl: (channel) => `${app.publicBaseUrl()}/notify/${channel}/${app.id}`,
    channels: {
      ...(wechatpay
        ? { wechatpay: meteredChannel(wechatPayChannel(wechatpay.client, { clock }), observe) }
        : {}),
      ...(alipay
        ? {
            alipay: meteredChannel(
              alipayChannel(alipay.client, { clock, sellerId: alipay.sellerId }),
              observe,
            ),
          }
        : {}),
    },
    logins: {
      ...(wechatpay ? { wechatpay: meteredLogin(wechatLoginChannel(wechatpay.client), observe) } : {}),
      ...(alipay ? { alipay: meteredLogin(alipayLoginChannel(alipay.client), observe) } : {}),
    },
  };
}
