import { readFile } from "node:fs/promises";
import { SandboxError } from "./errors.ts";

/**
 * The sandbox's configuration: one schema, parsed once at start, frozen (design.md
 * convention 7). Every key is optional in the file; unknown keys are refused so a typo
 * does not silently fall back to a default.
 */

export interface MerchantSeed {
  mchid: string;
  appid?: string;
  merchantName?: string;
  notifyUrl?: string;
  /** false: public-key mode only, as WeChat Pay issues new merchants since Oct 2024 (§3.4). */
  certificates?: boolean;
}

/** An Alipay app created at start (reference A.3): its ids, where it is notified, its key mode. */
export interface AlipayAppSeed {
  /** Alipay's 16-digit app id, e.g. 2021000000000001. */
  appId: string;
  /** The collecting account (A.4 check c): 16 digits starting 2088. */
  sellerId: string;
  /** Where payment notifications go when a trade names no notify_url (A.4). */
  notifyUrl: string;
  /** "key": public-key mode; "cert": certificate mode with app_cert_sn / alipay_root_cert_sn (A.3). */
  keyMode: "key" | "cert";
}

export interface SandboxConfig {
  host: string;
  port: number;
  /** Seeds every random decision; fixed when the data directory is created. */
  seed: string | undefined;
  clock: {
    /** Virtual start time (RFC 3339) of a new data directory; real time when absent. */
    start: string | undefined;
    /** 1 = real time, 0 = frozen (tests), 60 = an hour per minute (demos). */
    speed: number;
  };
  /** Share of responses signed with a `WECHATPAY/SIGNTEST/` probe (§3.5), 0..1. */
  probeRate: number;
  /** §2 window for the Authorization timestamp, in seconds. */
  maxClockSkewSeconds: number;
  /**
   * §5.1 wants public HTTPS notify URLs. A merchant server on this machine speaks plain
   * HTTP, so by default http:// is accepted for loopback hosts only (as the project's
   * client does when it talks to a local simulator); "never" is WeChat's own rule.
   */
  httpNotifyUrls: "loopback" | "never" | "any";
  /** §3.4: what /v3/certificates answers a public-key-only merchant. */
  publicKeyOnlyCertificates: "error" | "empty";
  /** §4.5: a notification succeeds only on 200/204 within this many (real) milliseconds. */
  notifyTimeoutMs: number;
  /** Virtual time from a refund's acceptance to its outcome (PROCESSING → SUCCESS...), by default. */
  refundSettleDelayMs: number;
  /**
   * §5.7: a day's bill is ready after 10:00 Beijing time the next day, i.e. this long after
   * the day ends (default 10 h). 0: at midnight. -86400000: from the day's own start, so
   * today's bill (so far) can be fetched in a test.
   */
  billReadyDelayMs: number;
  /**
   * "fsync" (default): every change is on disk before the answer goes out, as a payment
   * provider's would be. "relaxed": changes are written at most once a second without fsync,
   * and on close; for load tests and benchmarks, where the simulator's own disk writes would
   * otherwise be what is measured.
   */
  durability: "fsync" | "relaxed";
  /**
   * Jobs already due (notification attempts, refund settlements) that run at once in real
   * time; 1 keeps runs reproducible, more sends notifications to different orders together
   * as WeChat Pay does (load tests). Advancing the clock always fires one at a time.
   */
  jobConcurrency: number;
  /** Merchants created at start when their mchid is not in the data directory yet. */
  merchants: MerchantSeed[];
  /** Alipay apps created at start when their appId is not in the data directory yet. */
  alipayApps: AlipayAppSeed[];
  /** Fault rules installed at start (see faults.ts); they are not persisted. */
  faults: Record<string, unknown>[];
}

export type SandboxConfigInput = Partial<Omit<SandboxConfig, "clock">> & {
  clock?: Partial<SandboxConfig["clock"]>;
};

const DEFAULTS: SandboxConfig = {
  host: "127.0.0.1",
  port: 8780,
  seed: undefined,
  clock: { start: undefined, speed: 1 },
  probeRate: 0,
  maxClockSkewSeconds: 300,
  httpNotifyUrls: "loopback",
  publicKeyOnlyCertificates: "error",
  notifyTimeoutMs: 5_000,
  refundSettleDelayMs: 60_000,
  billReadyDelayMs: 10 * 3600 * 1000,
  durability: "fsync",
  jobConcurrency: 1,
  merchants: [],
  alipayApps: [],
  faults: [],
};

export async function loadConfigFile(path: string): Promise<SandboxConfigInput> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new SandboxError("CONFIG_INVALID", `cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as SandboxConfigInput;
  } catch (error) {
    throw new SandboxError("CONFIG_INVALID", `${path} is not JSON: ${(error as Error).message}`);
  }
}

export function parseConfig(input: unknown, source = "config"): Readonly<SandboxConfig> {
  const raw = record(input ?? {}, source);
  const fail = (key: string, issue: string) =>
    new SandboxError("CONFIG_INVALID", `${source}.${key} ${issue}`);
  for (const key of Object.keys(raw)) if (!(key in DEFAULTS)) throw fail(key, "is not a known setting");
  const clock = record(raw.clock ?? {}, `${source}.clock`);
  for (const key of Object.keys(clock)) {
    if (!(key in DEFAULTS.clock)) throw fail(`clock.${key}`, "is not a known setting");
  }
  const config: SandboxConfig = {
    host: pick(
      raw.host,
      DEFAULTS.host,
      (v) => typeof v === "string" && v.length > 0,
      fail("host", "must be a host name or address"),
    ),
    port: pick(
      raw.port,
      DEFAULTS.port,
      (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 65536,
      fail("port", "must be an integer 0-65535"),
    ),
    seed: pick(
      raw.seed,
      undefined,
      (v) => typeof v === "string" && v.length > 0,
      fail("seed", "must be a non-empty string"),
    ),
    clock: {
      start: pick(
        clock.start,
        undefined,
        (v) => typeof v === "string" && !Number.isNaN(Date.parse(v)),
        fail("clock.start", "must be an RFC 3339 time"),
      ),
      speed: pick(
        clock.speed,
        1,
        (v) => typeof v === "number" && v >= 0 && v <= 100_000,
        fail("clock.speed", "must be a number 0-100000"),
      ),
    },
    probeRate: pick(raw.probeRate, 0, isRate, fail("probeRate", "must be a number from 0 to 1")),
    maxClockSkewSeconds: pick(
      raw.maxClockSkewSeconds,
      300,
      (v) => Number.isInteger(v) && (v as number) > 0,
      fail("maxClockSkewSeconds", "must be a positive integer"),
    ),
    httpNotifyUrls: pick(
      raw.httpNotifyUrls,
      "loopback",
      (v) => v === "loopback" || v === "never" || v === "any",
      fail("httpNotifyUrls", 'must be "loopback", "never" or "any"'),
    ),
    publicKeyOnlyCertificates: pick(
      raw.publicKeyOnlyCertificates,
      "error",
      (v) => v === "error" || v === "empty",
      fail("publicKeyOnlyCertificates", 'must be "error" or "empty"'),
    ),
    notifyTimeoutMs: pick(
      raw.notifyTimeoutMs,
      DEFAULTS.notifyTimeoutMs,
      (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 600_000,
      fail("notifyTimeoutMs", "must be an integer number of milliseconds from 1 to 600000"),
    ),
    refundSettleDelayMs: pick(
      raw.refundSettleDelayMs,
      DEFAULTS.refundSettleDelayMs,
      isDelayMs,
      fail("refundSettleDelayMs", "must be an integer number of milliseconds from 0 to 31536000000 (a year)"),
    ),
    billReadyDelayMs: pick(
      raw.billReadyDelayMs,
      DEFAULTS.billReadyDelayMs,
      isBillReadyDelay,
      fail(
        "billReadyDelayMs",
        "must be an integer number of milliseconds from -86400000 to 2592000000 (30 days)",
      ),
    ),
    durability: pick(
      raw.durability,
      "fsync",
      (v) => v === "fsync" || v === "relaxed",
      fail("durability", 'must be "fsync" or "relaxed"'),
    ),
    jobConcurrency: pick(
      raw.jobConcurrency,
      1,
      (v) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 256,
      fail("jobConcurrency", "must be a whole number from 1 to 256"),
    ),
    merchants: pick(
      raw.merchants,
      [],
      (v) => Array.isArray(v) && v.every(isMerchantSeed),
      fail("merchants", "must be a list of {mchid, appid?, merchantName?, notifyUrl?, certificates?}"),
    ),
    alipayApps: parseAlipayApps(raw.alipayApps, `${source}.alipayApps`),
    faults: pick(
      raw.faults,
      [],
      (v) => Array.isArray(v) && v.every((rule) => typeof rule === "object" && rule !== null),
      fail("faults", "must be a list of fault rules"),
    ),
  };
  return Object.freeze(config);
}

function pick<T>(value: unknown, fallback: T, valid: (value: unknown) => boolean, error: SandboxError): T {
  if (value === undefined) return fallback;
  if (!valid(value)) throw error;
  return value as T;
}

export function isDelayMs(value: unknown): boolean {
  return Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) <= 365 * 86_400_000;
}

export function isBillReadyDelay(value: unknown): boolean {
  return (
    Number.isSafeInteger(value) && (value as number) >= -86_400_000 && (value as number) <= 30 * 86_400_000
  );
}

function isRate(value: unknown): boolean {
  return typeof value === "number" && value >= 0 && value <= 1;
}

function isMerchantSeed(value: unknown): value is MerchantSeed {
  if (typeof value !== "object" || value === null) return false;
  const seed = value as Record<string, unknown>;
  return (
    typeof seed.mchid === "string" &&
    ["appid", "merchantName", "notifyUrl"].every(
      (key) => seed[key] === undefined || typeof seed[key] === "string",
    ) &&
    (seed.certificates === undefined || typeof seed.certificates === "boolean")
  );
}

/** Each problem named with its place (`config.alipayApps[1].sellerId ...`), so a typo is found at once. */
export function parseAlipayApps(value: unknown, where: string): AlipayAppSeed[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new SandboxError(
      "CONFIG_INVALID",
      `${where} must be a list of {appId, sellerId, notifyUrl, keyMode}`,
    );
  }
  const seen = new Set<string>();
  return value.map((entry, index) => {
    const seed = parseAlipayAppSeed(entry, `${where}[${index}]`);
    if (seen.has(seed.appId)) {
      throw new SandboxError("CONFIG_INVALID", `${where}[${index}].appId ${seed.appId} is listed twice`);
    }
    seen.add(seed.appId);
    return seed;
  });
}

export function parseAlipayAppSeed(value: unknown, where: string): AlipayAppSeed {
  const raw = record(value, where);
  const fail = (key: string, issue: string) => new SandboxError("CONFIG_INVALID", `${where}.${key} ${issue}`);
  const allowed = ["appId", "sellerId", "notifyUrl", "keyMode"];
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw fail(key, `is not a known setting; allowed: ${allowed.join(", ")}`);
  }
  if (typeof raw.appId !== "string" || !/^[0-9]{16}$/.test(raw.appId)) {
    throw fail("appId", 'must be Alipay\'s 16-digit app id, e.g. "2021000000000001"');
  }
  if (typeof raw.sellerId !== "string" || !/^2088[0-9]{12}$/.test(raw.sellerId)) {
    throw fail("sellerId", 'must be 16 digits starting 2088, e.g. "2088101122334455"');
  }
  if (
    typeof raw.notifyUrl !== "string" ||
    !/^https?:\/\//.test(raw.notifyUrl) ||
    !URL.canParse(raw.notifyUrl)
  ) {
    throw fail("notifyUrl", "must be an http:// or https:// URL");
  }
  if (raw.keyMode !== "key" && raw.keyMode !== "cert") throw fail("keyMode", 'must be "key" or "cert"');
  return { appId: raw.appId, sellerId: raw.sellerId, notifyUrl: raw.notifyUrl, keyMode: raw.keyMode };
}

function record(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new SandboxError("CONFIG_INVALID", `${where} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
