import { createWechatPayClient, type WechatPayClient, type WechatPayClientOptions } from "@kassa/wechatpay";
import type { WechatPayCredentials } from "../config.ts";
import type { Clock } from "../domain/clock.ts";

/**
 * A WeChat Pay client for one app: its appid and its merchant's keys (§2, §3.4), on Kassa's
 * clock. main.ts builds every app's client here, and the channel contract's simulator
 * subject too, so the contract tests the client production runs.
 */
export function wechatPayClientFor(
  credentials: WechatPayCredentials,
  clock: Clock,
  overrides: Partial<Pick<WechatPayClientOptions, "backupBaseUrl" | "maxRetries" | "transport">> = {},
): WechatPayClient {
  return createWechatPayClient({
    mchid: credentials.mchid,
    appid: credentials.appid,
    appSecret: credentials.appSecret,
    merchantSerialNo: credentials.merchantSerialNo,
    merchantPrivateKey: credentials.merchantPrivateKeyPem,
    apiV3Key: credentials.apiV3Key,
    ...(credentials.publicKey
      ? { wechatPayPublicKey: { id: credentials.publicKey.id, key: credentials.publicKey.pem } }
      : {}),
    ...(credentials.downloadPlatformCertificates ? { platformCertificates: "download" as const } : {}),
    ...(credentials.baseUrl ? { baseUrl: credentials.baseUrl } : {}),
    ...(credentials.loginBaseUrl ? { loginBaseUrl: credentials.loginBaseUrl } : {}),
    ...overrides,
    clock: () => clock.now(),
  });
}
