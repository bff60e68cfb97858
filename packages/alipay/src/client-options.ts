import type { KeyObject } from "node:crypto";
import { certificateSn, rootCertificateSn } from "./cert-sn.ts";
import { AlipayError } from "./errors.ts";
import { type KeyInput, loadAlipayPublicKey, loadAppPrivateKey } from "./keys.ts";
import type { SigningMode } from "./sign.ts";

/** Reference A.3: the production v2 gateway. The sandbox is `https://openapi-sandbox.dl.alipaydev.com/gateway.do`. */
export const ALIPAY_GATEWAY_URL = "https://openapi.alipay.com/gateway.do";

/**
 * Reference A.3, "Public-key mode vs certificate mode": the app private key with either the
 * "Alipay public key", or three certificates (the app's public cert, Alipay's public cert and
 * Alipay's root bundle) whose SNs go with every request and answer.
 */
export type AlipayKeys =
  | { mode: "key"; alipayPublicKey: KeyInput }
  | {
      mode: "certificate";
      /** `appCertPublicKey_<appid>.crt` */
      appCert: string | Buffer;
      /** `alipayCertPublicKey_RSA2.crt` */
      alipayPublicCert: string | Buffer;
      /** `alipayRootCert.crt` */
      alipayRootCert: string | Buffer;
    };

export interface AlipayClientOptions {
  /** The mini program's app id (or the third-party app's, with `appAuthToken`). */
  appId: string;
  /** PEM, or the bare Base64 PKCS#8 Alipay's key tool writes, or a KeyObject. */
  appPrivateKey: KeyInput;
  keys: AlipayKeys;
  /** Defaults to {@link ALIPAY_GATEWAY_URL}; point it at a simulator to test without money. */
  gatewayUrl?: string;
  /** Per call, including reading the answer. Default 10 000 ms. */
  timeoutMs?: number;
  /** A third-party app acting for a merchant (A.3 `app_auth_token`). */
  appAuthToken?: string;
  /** The collecting account (2088…) notifications must name, when the app has one (A.4 check c). */
  sellerId?: string;
  signing?: SigningMode;
  fetch?: typeof fetch;
  /** Epoch ms; for the request timestamp. */
  clock?: () => number;
}

export interface ResolvedOptions {
  appId: string;
  appPrivateKey: KeyObject;
  alipayPublicKey: KeyObject;
  /** Certificate mode only. */
  appCertSn: string | undefined;
  alipayRootCertSn: string | undefined;
  alipayCertSn: string | undefined;
  gatewayUrl: URL;
  timeoutMs: number;
  appAuthToken: string | undefined;
  sellerId: string | undefined;
  signing: SigningMode;
  fetch: typeof fetch;
  clock: () => number;
}

/** Parses every key and certificate once and refuses a bad configuration at once. */
export function resolveOptions(options: AlipayClientOptions): ResolvedOptions {
  if (!/^[0-9]{16}$/.test(options.appId ?? "")) {
    throw new AlipayError(
      "CONFIG_INVALID",
      `appId must be Alipay's 16-digit app id, got ${JSON.stringify(options.appId)}`,
    );
  }
  let gatewayUrl: URL;
  try {
    gatewayUrl = new URL(options.gatewayUrl ?? ALIPAY_GATEWAY_URL);
  } catch (error) {
    throw new AlipayError("CONFIG_INVALID", `gatewayUrl is not a URL: ${options.gatewayUrl}`, {
      cause: error,
    });
  }
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
    throw new AlipayError("CONFIG_INVALID", `timeoutMs must be a positive integer, got ${timeoutMs}`);
  }
  const keys = options.keys;
  const certificate = keys?.mode === "certificate";
  if (!certificate && keys?.mode !== "key") {
    throw new AlipayError("CONFIG_INVALID", 'keys.mode must be "key" or "certificate"');
  }
  return {
    appId: options.appId,
    appPrivateKey: loadAppPrivateKey(options.appPrivateKey),
    alipayPublicKey: loadAlipayPublicKey(certificate ? keys.alipayPublicCert : keys.alipayPublicKey),
    appCertSn: certificate ? certificateSn(keys.appCert) : undefined,
    alipayRootCertSn: certificate ? rootCertificateSn(keys.alipayRootCert) : undefined,
    alipayCertSn: certificate ? certificateSn(keys.alipayPublicCert) : undefined,
    gatewayUrl,
    timeoutMs,
    appAuthToken: options.appAuthToken,
    sellerId: options.sellerId,
    signing: options.signing ?? "thread-pool",
    fetch: options.fetch ?? globalThis.fetch,
    clock: options.clock ?? Date.now,
  };
}
