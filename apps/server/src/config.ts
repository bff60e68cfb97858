import { join, resolve } from "node:path";
import { ALIPAY_VARIABLES, readAlipay } from "./config-alipay.ts";
import { readAppsFile } from "./config-apps-file.ts";
import { isProxyAddress } from "./config-checks.ts";
import { type Env, EnvReader } from "./config-reader.ts";
import { type RetentionSettings, readRetention } from "./config-retention.ts";
import { readRiskSettings, readWecomRobotUrl } from "./config-risk.ts";
import { readTls, type TlsSettings } from "./config-tls.ts";
import { readWebhookDomains, readWebhookSettings, type WebhookSettings } from "./config-webhooks.ts";
import { readWechatPay } from "./config-wechatpay.ts";
import { DEFAULT_APP_ID, DEFAULT_MERCHANT_ID } from "./db/migrations/0004-apps.ts";
import type { RiskSettings } from "./domain/risk.ts";

/**
 * Kassa's configuration: one schema, parsed once at start, frozen, passed down (design.md
 * convention 7). Nothing else reads `process.env`.
 *
 * Two modes:
 * - `demo` (the default, `npm start`): an embedded SQLite database in the data directory and
 *   the built-in WeChat Pay simulator as the channel; merchant credentials come from it.
 * - `production`: the merchant's real credentials, from the environment (one app) or from
 *   KASSA_APPS_FILE (several apps, secrets as file paths); start-up is refused when one is
 *   missing, malformed or still a sample, or notify_url is not https.
 *
 * Every problem is collected, so one start lists them all, before anything connects.
 */
export interface WechatPayCredentials {
  mchid: string;
  appid: string;
  appSecret: string;
  merchantSerialNo: string;
  merchantPrivateKeyPem: string;
  /**
   * apiclient_cert.pem, optional: Kassa signs with the key and the serial alone (§2), but with
   * the certificate `kassa doctor` can tell that they belong together and when it expires.
   */
  merchantCertificatePem?: string;
  apiV3Key: string;
  /** Public-key mode (§3.4): all new merchants. */
  publicKey?: { id: string; pem: string };
  /** Certificate mode: download /v3/certificates (older merchants, or during a migration). */
  downloadPlatformCertificates: boolean;
  baseUrl?: string;
  loginBaseUrl?: string;
}

/**
 * One app's Alipay account (issue 14). In Alipay the keys belong to the app id, not to a
 * merchant, so they are the app's (reference A.3, "Public-key mode vs certificate mode").
 */
export interface AlipayCredentials {
  /** The mini program's APPID, 16 digits (A.3 `app_id`). */
  appId: string;
  /** The collecting account's PID (2088...): every notification must name it (A.4 check c). */
  sellerId: string;
  /** The app private key as its file holds it: PEM, or the bare Base64 PKCS#8 of Alipay's key tool. */
  appPrivateKeyPem: string;
  /** The app's 接口加签方式: the Alipay public key, or the three certificates (A.3). */
  keys:
    | { mode: "key"; alipayPublicKeyPem: string }
    | { mode: "certificate"; appCertPem: string; alipayPublicCertPem: string; alipayRootCertPem: string };
  /** Defaults to Alipay's production gateway (A.3); the sandbox's, or a simulator's. */
  gatewayUrl?: string;
}

/** One mini program and its merchant's credentials (issue 8 §1). */
export interface AppConfig {
  /** Kassa's id for the app: in notify URLs, and what a mini program names at login. */
  id: string;
  merchantId: string;
  /**
   * The app's WeChat Pay account, when it takes WeChat Pay; an app has WeChat Pay, Alipay or
   * both, never neither (issue 14).
   */
  wechatpay?: WechatPayCredentials;
  /** The app's Alipay account, when it takes Alipay (config-alipay.ts). */
  alipay?: AlipayCredentials;
  /** Production: the hosts this app's webhook endpoints may be on (config-webhooks.ts). */
  webhookDomains: readonly string[];
}

/**
 * Whose X-Forwarded-For to believe: nobody (`false`), the nearest N hops (the proxies in
 * front of Kassa), or the proxies at these addresses and CIDRs. Never every hop.
 */
export type TrustProxy = false | number | readonly string[];

export interface KassaConfig {
  mode: "demo" | "production";
  host: string;
  port: number;
  /** Demo mode: where the built-in WeChat Pay simulator listens (on HOST). */
  simulatorPort: number;
  /** KASSA_TLS_CERT_FILE and KASSA_TLS_KEY_FILE: HTTPS on HOST:PORT, for a Kassa with no proxy in front. */
  tls: TlsSettings | undefined;
  dataDir: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  /** Where WeChat Pay reaches us: notify_url is this + /notify/wechatpay/<app id>. */
  publicBaseUrl: string | undefined;
  logLevel: string;
  /**
   * Production only (demo mode takes its one app from the simulator): the app of the
   * WECHATPAY_* (and, when it takes Alipay, ALIPAY_*) variables, or every app of KASSA_APPS_FILE.
   */
  apps: readonly AppConfig[];
  /** The app that logins and notifications naming no app are for. */
  defaultAppId: string;
  orderTtlMinutes: number;
  sessionTtlHours: number;
  /** Per-user caps, so one payer cannot hold the catalog with unpaid orders (issue 7). */
  maxOpenOrdersPerUser: number;
  maxHeldUnitsPerUser: number;
  /** The custom top-up amounts a payer may choose, in fen, inclusive (tiers are the merchant's). */
  walletTopUp: { minFen: number; maxFen: number };
  trustProxy: TrustProxy;
  rateLimits: { perIpPerMinute: number; perUserPerMinute: number; loginPerIpPerMinute: number };
  /** The merchant API's own budgets: its callers are servers, not phones. */
  merchantRateLimits: { perIpPerMinute: number; perKeyPerMinute: number };
  /** The master key that seals webhook secrets, and an attempt's deadline. */
  webhooks: WebhookSettings;
  /** KASSA_METRICS_TOKEN (or _FILE): the bearer token /metrics asks for (http/ops/plugin.ts). */
  metricsToken: string | undefined;
  /** Refunds made in the console: support's limit, and the maker-checker threshold. */
  consoleRefunds: ConsoleRefundSettings;
  /** KASSA_SHUTDOWN_TIMEOUT_SECONDS: how long SIGTERM lets in-flight requests and jobs finish. */
  shutdownTimeoutMs: number;
  /** KASSA_RETENTION_*: how long purge keeps sessions, keys, records and inactive payers' openids. */
  retention: RetentionSettings;
  /** Risk rules' thresholds, windows and throttles (domain/risk.ts, docs/risk.md). */
  risk: RiskSettings;
  /** KASSA_WECOM_ROBOT_URL: new alerts are posted to this WeCom group robot too. */
  wecomRobotUrl: string | undefined;
}

export interface ConsoleRefundSettings {
  /** A refund above this waits for a second operator's approval (maker-checker). */
  approvalAboveFen: number;
  /** The most a support operator may refund at once. */
  supportMaxFen: number;
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`Kassa cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

export function loadConfig(env: Env, cwd: string): Readonly<KassaConfig> {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);
  const mode = read.oneOf("KASSA_MODE", ["demo", "production"], "demo");
  const dataDir = resolve(cwd, env.KASSA_DATA_DIR ?? ".data");
  const config: KassaConfig = {
    mode,
    host: env.HOST ?? "127.0.0.1",
    port: read.integer("PORT", 8700, 0, 65535),
    simulatorPort: read.integer("KASSA_SIMULATOR_PORT", 8780, 0, 65535),
    tls: readTls(read),
    dataDir,
    databaseUrl: env.DATABASE_URL ?? join(dataDir, "kassa.sqlite"),
    redisUrl: env.REDIS_URL || undefined,
    publicBaseUrl: readPublicBaseUrl(read, mode),
    logLevel: read.oneOf("LOG_LEVEL", ["fatal", "error", "warn", "info", "debug", "trace", "silent"], "info"),
    ...readApps(read, env, cwd, mode),
    orderTtlMinutes: read.integer("KASSA_ORDER_TTL_MINUTES", 30, 1, 15 * 24 * 60),
    sessionTtlHours: read.integer("KASSA_SESSION_TTL_HOURS", 24 * 7, 1, 24 * 90),
    maxOpenOrdersPerUser: read.integer("KASSA_MAX_OPEN_ORDERS_PER_USER", 5, 1, 1_000),
    maxHeldUnitsPerUser: read.integer("KASSA_MAX_HELD_UNITS_PER_USER", 200, 1, 1_000_000),
    walletTopUp: {
      minFen: read.integer("KASSA_WALLET_TOP_UP_MIN_FEN", 100, 1, 1_000_000_000),
      maxFen: read.integer("KASSA_WALLET_TOP_UP_MAX_FEN", 500_000, 1, 1_000_000_000),
    },
    trustProxy: readTrustProxy(read),
    rateLimits: {
      perIpPerMinute: read.integer("KASSA_RATE_LIMIT_PER_IP", 600, 1, 1_000_000),
      perUserPerMinute: read.integer("KASSA_RATE_LIMIT_PER_USER", 120, 1, 1_000_000),
      loginPerIpPerMinute: read.integer("KASSA_RATE_LIMIT_LOGIN_PER_IP", 30, 1, 1_000_000),
    },
    merchantRateLimits: {
      perIpPerMinute: read.integer("KASSA_RATE_LIMIT_MERCHANT_PER_IP", 1200, 1, 1_000_000),
      perKeyPerMinute: read.integer("KASSA_RATE_LIMIT_MERCHANT_PER_KEY", 600, 1, 1_000_000),
    },
    webhooks: readWebhookSettings(read),
    metricsToken: readMetricsToken(read),
    shutdownTimeoutMs: read.integer("KASSA_SHUTDOWN_TIMEOUT_SECONDS", 10, 1, 300) * 1000,
    consoleRefunds: {
      approvalAboveFen: read.integer("KASSA_REFUND_APPROVAL_ABOVE_FEN", 100_000, 0, 1_000_000_000),
      supportMaxFen: read.integer("KASSA_SUPPORT_REFUND_MAX_FEN", 20_000, 0, 1_000_000_000),
    },
    retention: readRetention(read),
    risk: readRiskSettings(read),
    wecomRobotUrl: readWecomRobotUrl(read, mode),
  };
  if (mode === "production" && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    problems.push(
      "DATABASE_URL should be a postgres:// URL in production (SQLite is for demo and single-box use)",
    );
  }
  if (config.walletTopUp.minFen > config.walletTopUp.maxFen)
    problems.push("KASSA_WALLET_TOP_UP_MIN_FEN must not be larger than KASSA_WALLET_TOP_UP_MAX_FEN");
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

/**
 * Production's apps: KASSA_APPS_FILE when set, else the one app of the WECHATPAY_* variables,
 * which keeps the id of the database's default app, so a deployment from before apps existed
 * keeps its orders.
 */
function readApps(
  read: EnvReader,
  env: Env,
  cwd: string,
  mode: KassaConfig["mode"],
): Pick<KassaConfig, "apps" | "defaultAppId"> {
  const appsFile = read.optional("KASSA_APPS_FILE");
  if (mode === "demo") {
    if (appsFile)
      read.problem(
        "KASSA_APPS_FILE is read in production only: demo mode serves one app, paid through the built-in simulator",
      );
    return { apps: [], defaultAppId: DEFAULT_APP_ID };
  }
  const alipayNames = Object.keys(env).filter((name) => /^ALIPAY_/.test(name) && env[name]?.trim());
  if (!appsFile) {
    // A misspelt variable would leave the app without Alipay, silently: refuse it instead.
    for (const name of alipayNames.filter((name) => !ALIPAY_VARIABLES.includes(name)))
      read.problem(
        ALIPAY_VARIABLES.includes(`${name}_FILE`)
          ? `${name} is not read: Kassa takes Alipay's keys and certificates only from files; write it to a file and set ${name}_FILE to its path`
          : `${name} is not a variable Kassa reads (it reads ${ALIPAY_VARIABLES.join(", ")})`,
      );
    // WeChat Pay, Alipay or both (issue 14): a channel none of whose variables is set is not
    // the app's; with neither set, the app could take no payment at all.
    const wechatNames = Object.keys(env).filter((name) => /^WECHAT(PAY)?_/.test(name) && env[name]?.trim());
    if (wechatNames.length === 0 && alipayNames.length === 0)
      read.problem(
        "no payment channel is configured: set the WECHATPAY_* variables for WeChat Pay, the ALIPAY_* variables for Alipay, or both (docs/configuration.md)",
      );
    const wechatpay = wechatNames.length > 0 ? readWechatPay(read) : undefined;
    const alipay = readAlipay(read);
    const app = {
      id: DEFAULT_APP_ID,
      merchantId: DEFAULT_MERCHANT_ID,
      ...(wechatpay ? { wechatpay } : {}),
      ...(alipay ? { alipay } : {}),
    };
    return { apps: [{ ...app, webhookDomains: readWebhookDomains(read) }], defaultAppId: DEFAULT_APP_ID };
  }
  if (read.optional("KASSA_WEBHOOK_DOMAINS"))
    read.problem(
      "KASSA_WEBHOOK_DOMAINS is set with KASSA_APPS_FILE: give each app's webhook domains in the file (webhookDomains), and unset the variable",
    );
  const both = [
    ...Object.keys(env).filter((name) => /^WECHATPAY_/.test(name) && env[name]?.trim()),
    ...alipayNames,
  ];
  if (both.length > 0)
    read.problem(
      `KASSA_APPS_FILE is set, and so is ${both.join(", ")}: give the apps in one place, the file (unset the variables)`,
    );
  return read.collect((problems) => readAppsFile("KASSA_APPS_FILE", resolve(cwd, appsFile), problems));
}

/** The longest notify path: /notify/<channel>/<app id>, with room for a 32-character app id. */
const NOTIFY_PATH = `/notify/wechatpay/${"a".repeat(32)}`;

/**
 * notify_url is this base + /notify/wechatpay/<app>: a public https URL without a query string,
 * at most 255 characters (reference §5.1). Normalised to lower-case scheme and host, no
 * trailing slash. Demo mode accepts http (the simulator notifies on this machine).
 */
function readPublicBaseUrl(read: EnvReader, mode: KassaConfig["mode"]): string | undefined {
  const name = "KASSA_PUBLIC_BASE_URL";
  const raw = read.optional(name);
  if (raw === undefined) {
    if (mode === "production") {
      read.problem(
        `${name} is required: WeChat Pay and Alipay post notifications to <it>/notify/<wechatpay or alipay>/<app>`,
      );
    }
    return undefined;
  }
  const url = read.url(
    name,
    raw,
    mode === "production" ? "(WeChat Pay only notifies https URLs, reference §5.1)" : undefined,
    ": WeChat Pay refuses a notify_url with a query (reference §5.1)",
  );
  if (!url) return undefined;
  const base = `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
  if (base.length + NOTIFY_PATH.length > 255) {
    read.problem(
      `${name} is too long: notify_url (<it>${NOTIFY_PATH}) may have at most 255 characters (reference §5.1), it would have ${base.length + NOTIFY_PATH.length}`,
    );
  }
  return base;
}

const TRUST_PROXY_EXAMPLE =
  "write the number of proxies in front of Kassa (KASSA_TRUST_PROXY=1 for one nginx) or their addresses (KASSA_TRUST_PROXY=10.0.0.5,10.0.1.0/24)";

/**
 * `true` would trust every hop: the leftmost X-Forwarded-For is whatever the client sent, so
 * a client would choose its own address for the per-address rate limits. So: a hop count,
 * or the proxies' addresses, CIDRs, or proxy-addr's names (loopback, linklocal, uniquelocal).
 */
function readTrustProxy(read: EnvReader): TrustProxy {
  const raw = read.optional("KASSA_TRUST_PROXY");
  if (raw === undefined || raw === "false" || raw === "0") return false;
  if (raw.toLowerCase() === "true") {
    read.problem(
      "KASSA_TRUST_PROXY=true would trust every hop, so any client could choose its own address (and escape the per-address rate limits) by sending X-Forwarded-For; " +
        TRUST_PROXY_EXAMPLE,
    );
    return false;
  }
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops <= 20) return hops;
    read.problem(
      `KASSA_TRUST_PROXY is ${hops} hops; a chain has at most a few proxies: ${TRUST_PROXY_EXAMPLE}`,
    );
    return false;
  }
  const entries = raw.split(",").map((entry) => entry.trim());
  const wrong = entries.filter((entry) => !isProxyAddress(entry));
  if (wrong.length > 0) {
    read.problem(
      `KASSA_TRUST_PROXY must be a number of hops or a comma list of proxy addresses or CIDRs (a /0 would trust every address); ${wrong.map((entry) => `"${entry}"`).join(", ")} is not one: ${TRUST_PROXY_EXAMPLE}`,
    );
    return false;
  }
  return Object.freeze(entries);
}

/** At least 32 characters: a bearer token that guards counts of the business's payments. */
function readMetricsToken(read: EnvReader): string | undefined {
  const token = (
    read.optionalFile("KASSA_METRICS_TOKEN_FILE") ?? read.optional("KASSA_METRICS_TOKEN")
  )?.trim();
  if (token === undefined || token === "") return undefined;
  if (token.length < 32 || /\s/.test(token))
    read.problem(
      `KASSA_METRICS_TOKEN must be at least 32 characters without spaces (it has ${token.length}); make one with: openssl rand -hex 32`,
    );
  return token;
}
