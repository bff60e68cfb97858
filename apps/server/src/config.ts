import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";

/**
 * Kassa's configuration: one schema, parsed once at start, frozen, passed down (design.md
 * convention 7). Nothing else reads `process.env`.
 *
 * Two modes:
 * - `demo` (the default, `npm start`): an embedded SQLite database in the data directory and
 *   the built-in WeChat Pay simulator as the channel; merchant credentials come from it.
 * - `production`: the merchant's real credentials, from files or the environment; start-up
 *   is refused when one is missing or still a sample, or notify_url is not https.
 */
export interface WechatPayCredentials {
  mchid: string;
  appid: string;
  appSecret: string;
  merchantSerialNo: string;
  merchantPrivateKeyPem: string;
  apiV3Key: string;
  /** Public-key mode (§3.4): all new merchants. */
  publicKey?: { id: string; pem: string };
  /** Certificate mode: download /v3/certificates (older merchants, or during a migration). */
  downloadPlatformCertificates: boolean;
  baseUrl?: string;
  loginBaseUrl?: string;
}

export interface KassaConfig {
  mode: "demo" | "production";
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  /** Where WeChat Pay reaches us: notify_url is this + /notify/wechatpay. */
  publicBaseUrl: string | undefined;
  logLevel: string;
  /** Production only; demo mode takes them from the simulator. */
  wechatpay: WechatPayCredentials | undefined;
  orderTtlMinutes: number;
  sessionTtlHours: number;
  trustProxy: boolean;
  rateLimits: { perIpPerMinute: number; perUserPerMinute: number; loginPerIpPerMinute: number };
}

export class ConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: string[]) {
    super(`Kassa cannot start; fix the configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
    this.problems = problems;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/** Values that appear in docs and samples: a production deployment must never run on them. */
const SAMPLE_SECRETS = new Set([
  "changeme",
  "change-me",
  "secret",
  "sample",
  "test",
  "00000000000000000000000000000000",
]);

export function loadConfig(env: Env, cwd: string): Readonly<KassaConfig> {
  const problems: string[] = [];
  const read = new EnvReader(env, problems);
  const mode = read.oneOf("KASSA_MODE", ["demo", "production"], "demo");
  const dataDir = resolve(cwd, env.KASSA_DATA_DIR ?? ".data");
  const config: KassaConfig = {
    mode,
    host: env.HOST ?? "127.0.0.1",
    port: read.integer("PORT", 8700, 0, 65535),
    dataDir,
    databaseUrl: env.DATABASE_URL ?? join(dataDir, "kassa.sqlite"),
    redisUrl: env.REDIS_URL || undefined,
    publicBaseUrl: env.KASSA_PUBLIC_BASE_URL?.replace(/\/+$/, "") || undefined,
    logLevel: read.oneOf("LOG_LEVEL", ["fatal", "error", "warn", "info", "debug", "trace", "silent"], "info"),
    wechatpay: mode === "production" ? readWechatPay(read) : undefined,
    orderTtlMinutes: read.integer("KASSA_ORDER_TTL_MINUTES", 30, 1, 15 * 24 * 60),
    sessionTtlHours: read.integer("KASSA_SESSION_TTL_HOURS", 24 * 7, 1, 24 * 90),
    trustProxy: env.KASSA_TRUST_PROXY === "true",
    rateLimits: {
      perIpPerMinute: read.integer("KASSA_RATE_LIMIT_PER_IP", 600, 1, 1_000_000),
      perUserPerMinute: read.integer("KASSA_RATE_LIMIT_PER_USER", 120, 1, 1_000_000),
      loginPerIpPerMinute: read.integer("KASSA_RATE_LIMIT_LOGIN_PER_IP", 30, 1, 1_000_000),
    },
  };
  if (mode === "production") checkProduction(config, problems);
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

function readWechatPay(read: EnvReader): WechatPayCredentials {
  const publicKeyId = read.optional("WECHATPAY_PUBLIC_KEY_ID");
  const publicKeyPem = read.optionalFile("WECHATPAY_PUBLIC_KEY_FILE");
  const download = read.optional("WECHATPAY_PLATFORM_CERTIFICATES") === "download";
  if (!publicKeyId && !download) {
    read.problem(
      "set WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY_FILE (public-key mode), or WECHATPAY_PLATFORM_CERTIFICATES=download",
    );
  }
  if (publicKeyId && !publicKeyId.startsWith("PUB_KEY_ID_")) {
    read.problem("WECHATPAY_PUBLIC_KEY_ID must start with PUB_KEY_ID_ (商户平台 → 账户中心 → API安全)");
  }
  if (publicKeyId && !publicKeyPem)
    read.problem("WECHATPAY_PUBLIC_KEY_FILE is required with WECHATPAY_PUBLIC_KEY_ID");
  const baseUrl = read.optional("WECHATPAY_BASE_URL");
  const loginBaseUrl = read.optional("WECHAT_LOGIN_BASE_URL");
  return {
    mchid: read.required("WECHATPAY_MCHID"),
    appid: read.required("WECHATPAY_APPID"),
    appSecret: read.secret("WECHATPAY_APP_SECRET"),
    merchantSerialNo: read.required("WECHATPAY_MERCHANT_SERIAL_NO"),
    merchantPrivateKeyPem: read.requiredFile("WECHATPAY_MERCHANT_PRIVATE_KEY_FILE"),
    apiV3Key: read.secret("WECHATPAY_APIV3_KEY"),
    ...(publicKeyId && publicKeyPem ? { publicKey: { id: publicKeyId, pem: publicKeyPem } } : {}),
    downloadPlatformCertificates: download,
    ...(baseUrl ? { baseUrl } : {}),
    ...(loginBaseUrl ? { loginBaseUrl } : {}),
  };
}

function checkProduction(config: KassaConfig, problems: string[]): void {
  if (!config.publicBaseUrl) {
    problems.push(
      "KASSA_PUBLIC_BASE_URL is required: WeChat Pay posts notifications to <it>/notify/wechatpay",
    );
  } else if (!config.publicBaseUrl.startsWith("https://")) {
    problems.push(
      "KASSA_PUBLIC_BASE_URL must be https: WeChat Pay only notifies https URLs (reference §5.1)",
    );
  }
  if (!/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    problems.push(
      "DATABASE_URL should be a postgres:// URL in production (SQLite is for demo and single-box use)",
    );
  }
}

/** Reads env values and records every problem, so one start-up lists them all. */
class EnvReader {
  constructor(
    private readonly env: Env,
    private readonly problems: string[],
  ) {}

  problem(text: string): void {
    this.problems.push(text);
  }

  optional(name: string): string | undefined {
    return this.env[name]?.trim() || undefined;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (!value) this.problems.push(`${name} is required`);
    return value ?? "";
  }

  /** A secret from `NAME` or from the file at `NAME_FILE` (for Docker/K8s secrets). */
  secret(name: string): string {
    const fromFile = this.optionalFile(`${name}_FILE`)?.trim();
    const value = fromFile ?? this.optional(name);
    if (!value) this.problems.push(`${name} (or ${name}_FILE) is required`);
    else if (SAMPLE_SECRETS.has(value.toLowerCase()))
      this.problems.push(`${name} is a sample value; set the real one`);
    return value ?? "";
  }

  optionalFile(name: string): string | undefined {
    const path = this.optional(name);
    if (!path) return undefined;
    try {
      return readFileSync(path, "utf8");
    } catch {
      this.problems.push(`${name}: cannot read the file ${path}`);
      return undefined;
    }
  }

  requiredFile(name: string): string {
    const value = this.optionalFile(name);
    if (value === undefined && !this.optional(name)) this.problems.push(`${name} is required`);
    return value ?? "";
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.problems.push(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  }

  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if ((allowed as readonly string[]).includes(raw)) return raw as T;
    this.problems.push(`${name} must be one of ${allowed.join(", ")}, got "${raw}"`);
    return fallback;
  }
}
