import type { FastifyBaseLogger } from "fastify";
import type { ConsoleSettings } from "../app/admin/console-settings.ts";
import type { AppDeps } from "../app/deps.ts";
import type { TrustProxy } from "../config.ts";
import type { TlsSettings } from "../config-tls.ts";
import type { RateLimiter } from "../limits/rate-limiter.ts";
import { adminApi } from "./admin/plugin.ts";
import { registerApiDocs } from "./api-docs.ts";
import { consolePage } from "./console/console-page.ts";
import { DEFAULT_MERCHANT_LIMITS, type MerchantLimits } from "./merchant/context.ts";
import { merchantApi } from "./merchant/plugin.ts";
import type { RateLimits } from "./mini-program/context.ts";
import { miniProgramApi } from "./mini-program/plugin.ts";
import { channelNotifications } from "./notify/channel-notifications.ts";
import { type OpsContext, opsRoutes } from "./ops/plugin.ts";
import { buildHttpServer, type KassaApp } from "./server.ts";
import type { HttpTimeouts } from "./timeouts.ts";

export interface AppHttpOptions {
  deps: AppDeps;
  limiter: RateLimiter;
  limits: RateLimits;
  logger: FastifyBaseLogger;
  trustProxy: TrustProxy;
  /** Built-in HTTPS; plain HTTP when unset. */
  tls?: TlsSettings | undefined;
  /** The merchant API's rate limits; DEFAULT_MERCHANT_LIMITS unless a test or the config sets them. */
  merchantLimits?: MerchantLimits;
  /** Shorter deadlines in tests; the defaults otherwise (http/timeouts.ts). */
  timeouts?: Partial<HttpTimeouts>;
  /** /healthz, /readyz and /metrics (http/ops/plugin.ts). */
  ops: Omit<OpsContext, "deps">;
  /** What the console's settings page shows of the configuration, and its config check. */
  consoleSettings: ConsoleSettings;
  /** Extra scoped plugins (the demo page, the API docs). */
  extra?: (app: KassaApp) => Promise<void>;
}

/** Kassa's HTTP surface: one scoped plugin per trust boundary (design.md convention 8). */
export function buildApp(options: AppHttpOptions): Promise<KassaApp> {
  return buildHttpServer({
    logger: options.logger,
    bodyLimit: 16 * 1024,
    trustProxy: options.trustProxy,
    tls: options.tls,
    ...(options.timeouts ? { timeouts: options.timeouts } : {}),
    register: async (app) => {
      // Here, above every boundary's scope, so each request of every route is counted once.
      app.addHook("onResponse", async (request, reply) => {
        options.ops.metrics.observeRequest({
          method: request.method,
          route: request.routeOptions.url ?? "(unmatched)",
          status: reply.statusCode,
          seconds: reply.elapsedTime / 1000,
        });
      });
      await registerApiDocs(app);
      await app.register(async (scope) =>
        miniProgramApi(scope, { deps: options.deps, limiter: options.limiter, limits: options.limits }),
      );
      await app.register(async (scope) =>
        merchantApi(scope, {
          deps: options.deps,
          limiter: options.limiter,
          limits: options.merchantLimits ?? DEFAULT_MERCHANT_LIMITS,
        }),
      );
      await app.register(async (scope) =>
        adminApi(scope, {
          deps: options.deps,
          limiter: options.limiter,
          loginPerIpPerMinute: options.limits.loginPerIpPerMinute,
          settings: options.consoleSettings,
        }),
      );
      await app.register(async (scope) =>
        channelNotifications(scope, options.deps, options.ops.metrics.observeNotification),
      );
      await app.register(async (scope) => consolePage(scope));
      await app.register(async (scope) => opsRoutes(scope, { deps: options.deps, ...options.ops }));
      if (options.extra) await app.register(async (scope) => options.extra?.(scope));
    },
  });
}
