import { createPrivateKey } from "node:crypto";
import { readFile } from "node:fs/promises";
import { type AlipayClient, beijingTimestamp, createAlipayClient, signRequest } from "@kassa/alipay";
import type { AlipayCredentials } from "../src/alipay/admin.ts";
import type { AlipayAppSeed } from "../src/config.ts";
import type { RunningSandbox } from "../src/start.ts";
import { startTestSandbox } from "./test-sandbox.ts";

/**
 * A sandbox with Alipay apps, and clients built the way a merchant's server builds one: from
 * the files the sandbox wrote for the app (A.3: app private key plus the Alipay public key,
 * or the three certificates), pointed at the sandbox's gateway, signing with its clock.
 */

export const KEY_APP: AlipayAppSeed = {
  appId: "2021000000000001",
  sellerId: "2088100000000001",
  notifyUrl: "https://notify.invalid/alipay",
  keyMode: "key",
};

export const CERT_APP: AlipayAppSeed = {
  appId: "2021000000000002",
  sellerId: "2088100000000002",
  notifyUrl: "https://notify.invalid/alipay",
  keyMode: "cert",
};

export async function startAlipaySandbox(
  apps: AlipayAppSeed[] = [KEY_APP, CERT_APP],
  config: Record<string, unknown> = {},
): Promise<RunningSandbox> {
  return startTestSandbox({ alipayApps: apps, ...config });
}

export async function clientFor(
  sandbox: RunningSandbox,
  appId: string,
  options: { timeoutMs?: number } = {},
): Promise<{ client: AlipayClient; credentials: AlipayCredentials }> {
  const credentials = sandbox.admin.alipayCredentials(appId);
  const { files } = credentials;
  const keys =
    credentials.keyMode === "cert" && files.appCert && files.alipayPublicCert && files.alipayRootCert
      ? {
          mode: "certificate" as const,
          appCert: await readFile(files.appCert, "utf8"),
          alipayPublicCert: await readFile(files.alipayPublicCert, "utf8"),
          alipayRootCert: await readFile(files.alipayRootCert, "utf8"),
        }
      : { mode: "key" as const, alipayPublicKey: await readFile(files.alipayPublicKey, "utf8") };
  const client = createAlipayClient({
    appId,
    appPrivateKey: await readFile(files.appPrivateKey, "utf8"),
    keys,
    gatewayUrl: sandbox.alipayGatewayUrl,
    sellerId: credentials.sellerId,
    signing: "inline",
    clock: () => sandbox.clock.now(),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  });
  return { client, credentials };
}

/** my.getAuthCode → alipay.system.oauth.token: the buyer's ids for this app. */
export async function loginBuyer(sandbox: RunningSandbox, client: AlipayClient, userId?: string) {
  const { code } = await sandbox.admin.mintAlipayAuthCode({
    appId: client.appId,
    ...(userId === undefined ? {} : { userId }),
  });
  return client.oauth.token({ grant_type: "authorization_code", code });
}

let counter = 0;
export const newOutTradeNo = (prefix = "T") => `${prefix}${Date.now()}_${++counter}`;

/**
 * One gateway call signed by hand, for what the typed client refuses to send (a subject with
 * "/", an amount with three decimals): the gateway's own checks. Returns the parsed answer.
 */
export async function rawGatewayCall(
  sandbox: RunningSandbox,
  appId: string,
  method: string,
  biz: Record<string, unknown>,
): Promise<{ text: string; json: Record<string, Record<string, unknown>> }> {
  const credentials = sandbox.admin.alipayCredentials(appId);
  const params: Record<string, string> = {
    app_id: appId,
    method,
    charset: "utf-8",
    sign_type: "RSA2",
    timestamp: beijingTimestamp(sandbox.clock.now()),
    version: "1.0",
    biz_content: JSON.stringify(biz),
    ...(credentials.appCertSn === undefined
      ? {}
      : { app_cert_sn: credentials.appCertSn, alipay_root_cert_sn: credentials.alipayRootCertSn! }),
  };
  params.sign = await signRequest(params, createPrivateKey(credentials.appPrivateKeyPem), "inline");
  const response = await fetch(sandbox.alipayGatewayUrl, {
    method: "POST",
    body: new URLSearchParams(params),
  });
  const text = await response.text();
  return { text, json: JSON.parse(text) as Record<string, Record<string, unknown>> };
}
