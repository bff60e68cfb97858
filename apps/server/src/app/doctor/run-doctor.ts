import type { AlipayCredentials, WechatPayCredentials } from "../../config.ts";
import type { DatabaseHandle } from "../../db/connect.ts";
import type { Clock } from "../../domain/clock.ts";
import type { ExternalChannelName } from "../../domain/payment.ts";
import { checkAlipayKeys } from "./alipay-keys.check.ts";
import { probeAlipay } from "./alipay-probe.ts";
import { checkAlipaySignedCall } from "./alipay-signed-call.check.ts";
import { checkApiV3Key } from "./apiv3-key.check.ts";
import { checkCertificateExpiry } from "./certificate-expiry.check.ts";
import type { AlipayCheckInput, AppCheckInput, CheckResult, Verdict } from "./check.ts";
import { checkClockSkew } from "./clock-skew.check.ts";
import { checkDatabase } from "./database.check.ts";
import { checkMerchantKey } from "./merchant-key.check.ts";
import { checkNotifyUrl } from "./notify-url.check.ts";
import { checkPublicKeyId } from "./public-key-id.check.ts";
import { checkRedis } from "./redis.check.ts";
import { checkSignedCall } from "./signed-call.check.ts";
import { checkWebhookUrls } from "./webhook-urls.check.ts";
import { probeWechatPay } from "./wechatpay-probe.ts";

/** An app and the channel accounts it has: WeChat Pay, Alipay or both (issue 14). */
export interface DoctorApp {
  id: string;
  /** The app's WeChat Pay credentials, when it takes WeChat Pay. */
  credentials?: WechatPayCredentials | undefined;
  alipay?: AlipayCredentials | undefined;
  webhookDomains: readonly string[];
}

/** What the doctor checks: the parts of a configuration `npm start` would run with. */
export interface DoctorSetup {
  mode: "demo" | "production";
  apps: readonly DoctorApp[];
  /** Kassa's clock (the simulator's in demo mode): what requests are signed with. */
  clock: Clock;
  /** Where the channel would notify this app, or undefined when nothing says. */
  notifyUrl(appId: string, channel: ExternalChannelName): string | undefined;
  databaseUrl: string;
  /** Opens the database without migrating it (the doctor changes nothing). */
  connect(): DatabaseHandle;
  redisUrl: string | undefined;
}

/** Each app's credential checks (in the order a person fixes them), then the deployment's. */
const APP_CHECKS: readonly [string, (input: AppCheckInput) => Verdict][] = [
  ["merchant-key", checkMerchantKey],
  ["apiv3-key", checkApiV3Key],
  ["public-key-id", checkPublicKeyId],
  ["certificate-expiry", checkCertificateExpiry],
  ["signed-call", checkSignedCall],
  ["clock-skew", checkClockSkew],
];

/** Each app's Alipay checks (issue 14), when it takes Alipay. */
const ALIPAY_CHECKS: readonly [string, (input: AlipayCheckInput) => Verdict][] = [
  ["alipay-keys", checkAlipayKeys],
  ["alipay-signed-call", checkAlipaySignedCall],
];

export async function runDoctor(setup: DoctorSetup): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const app of setup.apps) {
    if (app.credentials) {
      const probe = await probeWechatPay(app.credentials, setup.clock);
      const input: AppCheckInput = {
        appId: app.id,
        credentials: app.credentials,
        probe,
        now: setup.clock.now(),
        mode: setup.mode,
      };
      for (const [id, check] of APP_CHECKS)
        results.push({ id, appId: app.id, ...guarded(() => check(input)) });
      results.push({
        id: "notify-url",
        appId: app.id,
        ...checkNotifyUrl(setup.mode, setup.notifyUrl(app.id, "wechatpay")),
      });
    }
    if (app.alipay) {
      const input: AlipayCheckInput = {
        appId: app.id,
        credentials: app.alipay,
        probe: await probeAlipay(app.alipay, setup.clock),
        now: setup.clock.now(),
      };
      for (const [id, check] of ALIPAY_CHECKS)
        results.push({ id, appId: app.id, ...guarded(() => check(input)) });
      results.push({
        id: "alipay-notify-url",
        appId: app.id,
        ...checkNotifyUrl(setup.mode, setup.notifyUrl(app.id, "alipay"), "alipay"),
      });
    }
  }
  const { verdict, handle } = await checkDatabase(setup.databaseUrl, setup.connect, setup.mode);
  results.push({ id: "database", ...verdict });
  try {
    const webhooks = {
      mode: setup.mode,
      allowedHosts: (appId: string) => setup.apps.find((app) => app.id === appId)?.webhookDomains ?? [],
    };
    results.push({
      id: "webhook-urls",
      // Demo mode before its first start: no database, so no endpoints yet.
      ...(!handle && verdict.status === "ok"
        ? { status: "ok" as const, detail: "no database yet, so no webhook endpoints" }
        : await checkWebhookUrls(handle, webhooks)),
    });
  } finally {
    await handle?.close();
  }
  results.push({ id: "redis", ...(await checkRedis(setup.redisUrl)) });
  return results;
}

/** A check that throws is a bug in the doctor, told as its failure rather than a stack. */
function guarded(check: () => Verdict): Verdict {
  try {
    return check();
  } catch (error) {
    return {
      status: "fail",
      detail: `the check itself failed: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}

/** One line per check: `ok   merchant-key (app_default): ...`, then the count of each. */
export function formatDoctorReport(results: readonly CheckResult[]): string[] {
  const lines = results.map(
    (result) =>
      `${result.status.padEnd(4)} ${result.id}${result.appId ? ` (${result.appId})` : ""}: ${result.detail}`,
  );
  const count = (status: string) => results.filter((result) => result.status === status).length;
  lines.push(`${count("ok")} ok, ${count("warn")} warn, ${count("fail")} fail`);
  return lines;
}
