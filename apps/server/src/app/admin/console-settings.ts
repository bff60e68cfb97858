import type { AppConfig } from "../../config.ts";
import type { DatabaseHandle } from "../../db/connect.ts";
import type { Clock } from "../../domain/clock.ts";
import type { ExternalChannelName } from "../../domain/payment.ts";
import type { CheckResult } from "../doctor/check.ts";
import { runDoctor } from "../doctor/run-doctor.ts";
import { type AppSettingsView, describeApp } from "./credentials-view.ts";

/**
 * The configuration this process runs with, as the console's settings page may see it
 * (issue 12): each app's channel accounts without a secret (credentials-view.ts), and the
 * config check (`kassa doctor`'s checks) run on demand.
 */
export interface ConsoleSettings {
  apps(): AppSettingsView[];
  runConfigCheck(): Promise<CheckResult[]>;
}

/**
 * Made by the composition root from what it started with. The check is app/doctor's
 * runDoctor, unchanged, with what makes it safe to run from a request: it is given this
 * process's own database pool (no second connection; the doctor never migrates or writes)
 * and its clock. Its channel calls are the doctor's read-only probes: one signed
 * `GET /v3/certificates` per WeChat Pay account (§3.4) and one `alipay.trade.query` of a trade
 * no payment can have (A.5); nothing is created or changed at either channel.
 */
export function consoleSettingsOf(input: {
  mode: "demo" | "production";
  apps: readonly AppConfig[];
  defaultAppId: string;
  clock: Clock;
  database: DatabaseHandle;
  databaseUrl: string;
  redisUrl: string | undefined;
  notifyUrl: (appId: string, channel: ExternalChannelName) => string;
}): ConsoleSettings {
  const described = input.apps.map((app) => describeApp(app, input.defaultAppId));
  return {
    apps: () =>
      described.map((app) => ({
        ...app,
        notifyUrls: {
          ...(app.wechatpay ? { wechatpay: input.notifyUrl(app.id, "wechatpay") } : {}),
          ...(app.alipay ? { alipay: input.notifyUrl(app.id, "alipay") } : {}),
        },
      })),
    runConfigCheck: () =>
      runDoctor({
        mode: input.mode,
        apps: input.apps.map((app) => ({
          id: app.id,
          credentials: app.wechatpay,
          alipay: app.alipay,
          webhookDomains: app.webhookDomains,
        })),
        clock: input.clock,
        notifyUrl: (appId, channel) => input.notifyUrl(appId, channel),
        databaseUrl: input.databaseUrl,
        // The running pool, lent: the doctor's close() at the end must not close it.
        connect: () => ({ ...input.database, close: async () => undefined }),
        redisUrl: input.redisUrl,
      }),
  };
}
