import { KeyObject } from "node:crypto";
import { type ApiV3Key, parseApiV3Key } from "./aead.ts";
import { WechatPayError } from "./errors.ts";
import { loadPrivateKey, loadPublicKey } from "./keys.ts";
import type { SigningMode } from "./rsa.ts";
import type { MerchantSigner } from "./sign.ts";
import {
  fetchStreamTransport,
  fetchTransport,
  type HttpStreamTransport,
  type HttpTransport,
  streamingOf,
} from "./transport.ts";

/** Everything `createWechatPayClient` takes. Secrets are parsed once and never echoed. */
export interface WechatPayClientOptions {
  mchid: string;
  /** The mini program's AppID, bound to `mchid` (§5.1). */
  appid: string;
  /** Serial of the merchant API certificate `apiclient_cert.pem` (hex, §2). */
  merchantSerialNo: string;
  /** `apiclient_key.pem`: PEM text or bytes, or a parsed private KeyObject. */
  merchantPrivateKey: string | Buffer | KeyObject;
  /** The 32-character APIv3 key set on the merchant platform (§4.2). */
  apiV3Key: string;
  /** Public-key mode (§3.4): the key's id (`PUB_KEY_ID_...`) and its SPKI PEM or KeyObject. */
  wechatPayPublicKey?: { id: string; key: string | Buffer | KeyObject };
  /** Certificate mode (§3.4): `"download"` from /v3/certificates, or platform certificate PEMs. */
  platformCertificates?: "download" | readonly string[];
  /** Default `https://api.mch.weixin.qq.com` (§1). */
  baseUrl?: string;
  /** Default `https://api2.mch.weixin.qq.com`, used after connection failures only; `null` disables. */
  backupBaseUrl?: string | null;
  /** Host of code2Session, default `https://api.weixin.qq.com` (§7.2). */
  loginBaseUrl?: string;
  /** The mini program's AppSecret, needed only by code2Session (§7.2). */
  appSecret?: string;
  /** Plain http:// to a host other than loopback (a simulator in a container network). */
  allowInsecureHttp?: boolean;
  transport?: HttpTransport;
  /**
   * For bill downloads (§5.7), whose bodies are read as they arrive. Default: on `fetch`,
   * or over `transport` when only that is given.
   */
  streamTransport?: HttpStreamTransport;
  /** Epoch milliseconds; the signature timestamp and the verification window use it. */
  clock?: () => number;
  /** Per attempt, including reading the answer. Default 10 s. */
  timeoutMs?: number;
  /** Retries after the first attempt (§5.8: "一般重试2~3次"). Default 2. */
  maxRetries?: number;
  /**
   * Where request signatures and paySign are computed (rsa.ts). `"thread-pool"` (default):
   * off the event loop, on both cores, for servers. `"inline"`: on the calling thread, the
   * lowest latency when one call is in flight (scripts, CLIs, batch jobs).
   */
  signing?: SigningMode;
  sleep?: (ms: number) => Promise<void>;
  /** Jitter only, not security: [0, 1). */
  random?: () => number;
  userAgent?: string;
}

export interface ResolvedClientConfig {
  mchid: string;
  appid: string;
  signer: MerchantSigner;
  apiV3Key: ApiV3Key;
  wechatPayPublicKey: { id: string; key: KeyObject } | undefined;
  platformCertificates: "download" | readonly string[] | undefined;
  baseUrl: URL;
  backupBaseUrl: URL | undefined;
  loginBaseUrl: URL;
  appSecret: string | undefined;
  transport: HttpTransport;
  streamTransport: HttpStreamTransport;
  clock: () => number;
  timeoutMs: number;
  maxRetries: number;
  signing: SigningMode;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  userAgent: string;
}

/** Matches package.json; sent in the User-Agent, which WeChat Pay expects to be meaningful (§1). */
export const CLIENT_VERSION = "0.1.0";

export function resolveClientConfig(options: WechatPayClientOptions): ResolvedClientConfig {
  const id = (value: unknown, name: string, max: number): string => {
    if (typeof value !== "string" || !/^\S+$/.test(value) || value.length > max) {
      throw configError(`${name} must be a non-empty string of at most ${max} characters without spaces`);
    }
    return value;
  };
  if (!options.wechatPayPublicKey && !options.platformCertificates) {
    throw configError(
      "give wechatPayPublicKey ({id: 'PUB_KEY_ID_...', key}) or platformCertificates ('download' or PEMs): responses cannot be verified without one",
    );
  }
  const serial = String(options.merchantSerialNo ?? "");
  if (!/^[0-9A-Fa-f]{1,64}$/.test(serial)) {
    throw configError(
      "merchantSerialNo must be the hex serial of apiclient_cert.pem (openssl x509 -noout -serial)",
    );
  }
  return {
    mchid: id(options.mchid, "mchid", 32),
    appid: id(options.appid, "appid", 32),
    signer: {
      mchid: options.mchid,
      serialNo: serial.toUpperCase(),
      privateKey: privateKeyOf(options.merchantPrivateKey),
      signing: signingOf(options.signing),
    },
    apiV3Key: parseApiV3Key(options.apiV3Key),
    wechatPayPublicKey: options.wechatPayPublicKey && publicKeyOf(options.wechatPayPublicKey),
    platformCertificates: options.platformCertificates,
    baseUrl: baseUrlOf("baseUrl", options.baseUrl ?? "https://api.mch.weixin.qq.com", options),
    backupBaseUrl:
      options.backupBaseUrl === null
        ? undefined
        : baseUrlOf("backupBaseUrl", options.backupBaseUrl ?? "https://api2.mch.weixin.qq.com", options),
    loginBaseUrl: baseUrlOf("loginBaseUrl", options.loginBaseUrl ?? "https://api.weixin.qq.com", options),
    appSecret: options.appSecret,
    transport: options.transport ?? fetchTransport,
    streamTransport:
      options.streamTransport ??
      (options.transport === undefined ? fetchStreamTransport : streamingOf(options.transport)),
    clock: options.clock ?? Date.now,
    timeoutMs: positiveInteger(options.timeoutMs ?? 10_000, "timeoutMs"),
    maxRetries: positiveInteger(options.maxRetries ?? 2, "maxRetries", 0),
    signing: signingOf(options.signing),
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    random: options.random ?? Math.random,
    userAgent:
      options.userAgent ??
      `Kassa-WechatPay/${CLIENT_VERSION} (${process.platform}; ${process.arch}) Node/${process.versions.node}`,
  };
}

function privateKeyOf(key: string | Buffer | KeyObject): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type !== "private") throw configError("merchantPrivateKey must be a private key");
    return key;
  }
  return loadPrivateKey(key);
}

function publicKeyOf(publicKey: { id: string; key: string | Buffer | KeyObject }): {
  id: string;
  key: KeyObject;
} {
  // The keyring tells public keys from certificates by this prefix (§3.4, as gopay does).
  if (typeof publicKey.id !== "string" || !publicKey.id.startsWith("PUB_KEY_ID_")) {
    throw configError(
      "wechatPayPublicKey.id must be the key's id as shown on the merchant platform, PUB_KEY_ID_...",
    );
  }
  const key = publicKey.key instanceof KeyObject ? publicKey.key : loadPublicKey(publicKey.key);
  if (key.type !== "public") throw configError("wechatPayPublicKey.key must be a public key");
  return { id: publicKey.id, key };
}

function baseUrlOf(name: string, value: string, options: WechatPayClientOptions): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError(`${name} is not an absolute URL`);
  }
  const loopback = ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  // §1: HTTPS only; plain HTTP is for a local simulator.
  if (url.protocol !== "https:" && !(url.protocol === "http:" && (loopback || options.allowInsecureHttp))) {
    throw configError(`${name} must be https:// (http:// only for loopback or with allowInsecureHttp)`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw configError(`${name} must not carry a query, fragment or credentials`);
  }
  return url;
}

function signingOf(value: SigningMode | undefined): SigningMode {
  if (value === undefined) return "thread-pool";
  if (value !== "thread-pool" && value !== "inline") {
    throw configError(
      `signing must be "thread-pool" (the default) or "inline", got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

function positiveInteger(value: number, name: string, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min) throw configError(`${name} must be an integer >= ${min}`);
  return value;
}

function configError(detail: string): WechatPayError {
  return new WechatPayError("CONFIG_INVALID", detail);
}
