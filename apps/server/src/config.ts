import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  checkPrivateKeyPem,
  checkPublicKeyPem,
  DOCUMENTED_IDENTIFIERS,
  isProxyAddress,
  placeholderReason,
} from "./config-checks.ts";

/**
 * Kassa's configuration: one schema, parsed once at start, frozen, passed down (design.md
 * convention 7). Nothing else reads `process.env`.
 *
 * Two modes:
 * - `demo` (the default, `npm start`): an embedded SQLite database in the data directory and
 *   the built-in WeChat Pay simulator as the channel; merchant credentials come from it.
 * - `production`: the merchant's real credentials, from files or the environment; start-up
 *   is refused when one is missing, malformed or still a sample, or notify_url is not https.
 *
 * Every problem is collected, so one start lists them all, before anything connects.
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

/**
 * Whose X-Forwarded-For to believe: nobody (`false`), the nearest N hops (the proxies in
 * front of Kassa), or the proxies at these addresses and CIDRs. Never every hop.
 */
export type TrustProxy = false | number | readonly string[];

export interface KassaConfig {
  mode: "demo" | "production";
  host: string;
  port: number;
  dataDir: string;
  databaseUrl: string;
  redisUrl: string | undefined;
  /** Where WeChat Pay reaches us: notify_url is this + /notify/wechatpay/<app id>. */
  publicBaseUrl: string | undefined;
  logLevel: string;
  /** Production only; demo mode takes them from the simulator. */
  wechatpay: WechatPayCredentials | undefined;
  orderTtlMinutes: number;
  sessionTtlHours: number;
  /** Per-user caps, so one payer cannot hold the catalog with unpaid orders (issue 7). */
  maxOpenOrdersPerUser: number;
  maxHeldUnitsPerUser: number;
  trustProxy: TrustProxy;
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
    publicBaseUrl: readPublicBaseUrl(read, mode),
    logLevel: read.oneOf("LOG_LEVEL", ["fatal", "error", "warn", "info", "debug", "trace", "silent"], "info"),
    wechatpay: mode === "production" ? readWechatPay(read) : undefined,
    orderTtlMinutes: read.integer("KASSA_ORDER_TTL_MINUTES", 30, 1, 15 * 24 * 60),
    sessionTtlHours: read.integer("KASSA_SESSION_TTL_HOURS", 24 * 7, 1, 24 * 90),
    maxOpenOrdersPerUser: read.integer("KASSA_MAX_OPEN_ORDERS_PER_USER", 5, 1, 1_000),
    maxHeldUnitsPerUser: read.integer("KASSA_MAX_HELD_UNITS_PER_USER", 200, 1, 1_000_000),
    trustProxy: readTrustProxy(read),
    rateLimits: {
      perIpPerMinute: read.integer("KASSA_RATE_LIMIT_PER_IP", 600, 1, 1_000_000),
      perUserPerMinute: read.integer("KASSA_RATE_LIMIT_PER_USER", 120, 1, 1_000_000),
      loginPerIpPerMinute: read.integer("KASSA_RATE_LIMIT_LOGIN_PER_IP", 30, 1, 1_000_000),
    },
  };
  if (mode === "production" && !/^postgres(ql)?:\/\//.test(config.databaseUrl)) {
    problems.push(
      "DATABASE_URL should be a postgres:// URL in production (SQLite is for demo and single-box use)",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
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
      read.problem(`${name} is required: WeChat Pay posts notifications to <it>/notify/wechatpay/<app>`);
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

function readWechatPay(read: EnvReader): WechatPayCredentials {
  // Identifiers are not secrets, but a swapped variable could hold one: no value is echoed.
  const mchid = read.identifier(
    "WECHATPAY_MCHID",
    /^\d{1,32}$/,
    () =>
      // §5.1: string(32); every merchant number in the docs is 10 digits.
      "must be the merchant number, digits only (商户平台 → 账户中心 → 商户信息)",
  );
  const appid = read.identifier(
    "WECHATPAY_APPID",
    /^wx[0-9A-Za-z]{16}$/,
    () =>
      // §5.1, §7.1: the mini program's AppID (wx + 16 characters, e.g. §9.8's sample).
      "must be the mini program's AppID, wx followed by 16 letters or digits (微信公众平台 → 开发管理 → 开发设置)",
  );
  const appSecret = read.secret("WECHATPAY_APP_SECRET");
  // §2: the serial of apiclient_cert.pem, 40 upper-case hex characters.
  const merchantSerialNo = read.identifier(
    "WECHATPAY_MERCHANT_SERIAL_NO",
    /^[0-9A-Fa-f]{40}$/,
    () =>
      "must be the 40 hex characters of the merchant API certificate's serial (openssl x509 -in apiclient_cert.pem -noout -serial)",
  );
  const merchantPrivateKeyPem = read.requiredFile("WECHATPAY_MERCHANT_PRIVATE_KEY_FILE");
  if (merchantPrivateKeyPem)
    read.check("WECHATPAY_MERCHANT_PRIVATE_KEY_FILE", checkPrivateKeyPem(merchantPrivateKeyPem));
  const apiV3Key = read.secret("WECHATPAY_APIV3_KEY");
  const apiV3Bytes = Buffer.byteLength(apiV3Key, "utf8");
  if (apiV3Key && apiV3Bytes !== 32) {
    // §4.2: used as 32 raw bytes; anything else fails every notification's decryption later.
    read.problem(
      `WECHATPAY_APIV3_KEY must be exactly 32 bytes (the 32-character APIv3 key set at 商户平台 → 账户中心 → API安全), got ${apiV3Bytes}`,
    );
  }

  const publicKeyId = read.optional("WECHATPAY_PUBLIC_KEY_ID");
  const publicKeyPem = read.optionalFile("WECHATPAY_PUBLIC_KEY_FILE");
  const certificates = read.optional("WECHATPAY_PLATFORM_CERTIFICATES");
  if (certificates !== undefined && certificates !== "download") {
    read.problem(
      "WECHATPAY_PLATFORM_CERTIFICATES must be download (certificate mode) or unset (public-key mode)",
    );
  }
  const download = certificates === "download";
  if (!publicKeyId && !publicKeyPem && !download) {
    read.problem(
      "set WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY_FILE (public-key mode), or WECHATPAY_PLATFORM_CERTIFICATES=download",
    );
  }
  if (publicKeyId) {
    // §3.4: the id is opaque; it is recognised by its prefix, as gopay does.
    if (!publicKeyId.startsWith("PUB_KEY_ID_")) {
      read.problem("WECHATPAY_PUBLIC_KEY_ID must start with PUB_KEY_ID_ (商户平台 → 账户中心 → API安全)");
    } else read.notSample("WECHATPAY_PUBLIC_KEY_ID", publicKeyId, DOCUMENTED_IDENTIFIERS);
  }
  if (publicKeyId && !publicKeyPem && !read.optional("WECHATPAY_PUBLIC_KEY_FILE"))
    read.problem("WECHATPAY_PUBLIC_KEY_FILE is required with WECHATPAY_PUBLIC_KEY_ID");
  if (publicKeyPem && !publicKeyId)
    read.problem(
      "WECHATPAY_PUBLIC_KEY_ID is required with WECHATPAY_PUBLIC_KEY_FILE (PUB_KEY_ID_..., shown next to the key)",
    );
  if (publicKeyPem) read.check("WECHATPAY_PUBLIC_KEY_FILE", checkPublicKeyPem(publicKeyPem));

  const baseUrl = read.optional("WECHATPAY_BASE_URL");
  const loginBaseUrl = read.optional("WECHAT_LOGIN_BASE_URL");
  for (const [name, value] of [
    ["WECHATPAY_BASE_URL", baseUrl],
    ["WECHAT_LOGIN_BASE_URL", loginBaseUrl],
  ] as const) {
    if (value) {
      read.url(
        name,
        value,
        "(reference §1: WeChat Pay is HTTPS only); to try Kassa against the simulator, run it in demo mode",
      );
    }
  }
  return {
    mchid,
    appid,
    appSecret,
    merchantSerialNo: merchantSerialNo.toUpperCase(),
    merchantPrivateKeyPem,
    apiV3Key,
    ...(publicKeyId && publicKeyPem ? { publicKey: { id: publicKeyId, pem: publicKeyPem } } : {}),
    downloadPlatformCertificates: download,
    ...(baseUrl ? { baseUrl } : {}),
    ...(loginBaseUrl ? { loginBaseUrl } : {}),
  };
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

  /** Record `NAME <problem>` when a check found one. */
  check(name: string, problem: string | undefined): void {
    if (problem) this.problems.push(`${name} ${problem}`);
  }

  optional(name: string): string | undefined {
    return this.env[name]?.trim() || undefined;
  }

  required(name: string): string {
    const value = this.optional(name);
    if (!value) this.problems.push(`${name} is required`);
    return value ?? "";
  }

  /** A required value of a known shape; the message says its length, never the value. */
  identifier(name: string, shape: RegExp, what: () => string): string {
    const value = this.required(name);
    if (!value) return value;
    if (!shape.test(value)) this.problems.push(`${name} ${what()}, got ${value.length} characters`);
    else this.notSample(name, value, DOCUMENTED_IDENTIFIERS);
    return value;
  }

  notSample(name: string, value: string, samples: Readonly<Record<string, readonly string[]>>): void {
    if (samples[name]?.some((sample) => sample.toUpperCase() === value.toUpperCase())) {
      this.problems.push(`${name} is the sample value from the documentation; set your own`);
    }
  }

  /**
   * An absolute URL without query, fragment or credentials; https when asked (any case:
   * `new URL` lower-cases the scheme and host). The value is never echoed: it may hold a password.
   */
  url(name: string, raw: string, httpsOnly: string | undefined, queryWhy = ""): URL | undefined {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      this.problems.push(`${name} is not an absolute URL; write it as https://host[:port][/path]`);
      return undefined;
    }
    if (httpsOnly !== undefined && url.protocol !== "https:") {
      this.problems.push(`${name} must be https:// in production ${httpsOnly}`);
      return undefined;
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      this.problems.push(`${name} must be an https:// (or, in demo mode, http://) URL`);
      return undefined;
    }
    if (url.username || url.password || url.search || url.hash || /[?#]/.test(raw)) {
      this.problems.push(
        `${name} must not carry a query (?...), a fragment (#...) or credentials (user:password@)${queryWhy}; write only https://host[:port][/path]`,
      );
      return undefined;
    }
    return url;
  }

  /** A secret from `NAME` or from the file at `NAME_FILE` (for Docker/K8s secrets). */
  secret(name: string): string {
    const fromFile = this.optionalFile(`${name}_FILE`)?.trim();
    const value = fromFile ?? this.optional(name);
    if (!value) {
      if (!this.optional(`${name}_FILE`)) this.problems.push(`${name} (or ${name}_FILE) is required`);
      return "";
    }
    const reason = placeholderReason(value);
    if (reason) {
      this.problems.push(
        `${name} looks like a placeholder (${reason}); set the real value from the WeChat platform`,
      );
    }
    return value;
  }

  optionalFile(name: string): string | undefined {
    const path = this.optional(name);
    if (!path) return undefined;
    try {
      return readFileSync(path, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      this.problems.push(`${name}: cannot read the file ${path}${code ? ` (${code})` : ""}`);
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
