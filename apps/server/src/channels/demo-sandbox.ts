import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { ALIPAY_GATEWAY_PATH, type RunningSandbox, startSandbox } from "@kassa/sandbox";
import type { AlipayCredentials, WechatPayCredentials } from "../config.ts";
import { DEFAULT_APP_ID } from "../db/migrations/0004-apps.ts";
import type { ExternalChannelName } from "../domain/payment.ts";

/** The demo merchant: test credentials that work against the simulator only. */
export const DEMO_MERCHANT = {
  mchid: "1900000109",
  appid: "wxd678efh567hg6787",
  merchantName: "Kassa 演示茶铺 (demo tea shop)",
} as const;

/**
 * The demo app's Alipay account at the simulator (issue 14): the same mini program's Alipay
 * side, so the demo can be paid either way. Key mode, as most merchants start.
 */
export const DEMO_ALIPAY_APP = {
  appId: "2021000000000001",
  sellerId: "2088100000000001",
  keyMode: "key",
} as const;

export interface DemoSandbox {
  sandbox: RunningSandbox;
  credentials: WechatPayCredentials;
  alipay: AlipayCredentials;
}

/**
 * Demo mode's channel (product.md "How a newcomer starts it"): the WeChat Pay simulator in
 * this process, with its data in `<dataDir>/sandbox`, and the demo merchant it created once.
 * Kassa reads the merchant's files exactly as it would read a real merchant's.
 */
export async function startDemoSandbox(options: {
  dataDir: string;
  port: number;
  /** Kassa's base URL: each channel notifies the demo app at /notify/<channel>/app_default. */
  kassaUrl: string;
}): Promise<DemoSandbox> {
  const notifyUrl = (channel: ExternalChannelName) =>
    `${options.kassaUrl}/notify/${channel}/${DEFAULT_APP_ID}`;
  const sandbox = await startSandbox({
    dataDir: join(options.dataDir, "sandbox"),
    port: options.port,
    config: {
      merchants: [{ ...DEMO_MERCHANT, notifyUrl: notifyUrl("wechatpay"), certificates: false }],
      alipayApps: [{ ...DEMO_ALIPAY_APP, notifyUrl: notifyUrl("alipay") }],
      // §3.4: WeChat Pay answers a public-key merchant's /v3/certificates with an error or with
      // an empty, signed list; the list lets `kassa doctor` verify an answer in demo mode.
      publicKeyOnlyCertificates: "empty",
    },
  });
  return useDemoSandbox(sandbox);
}

/** The demo merchant's credentials from a simulator already running. */
export async function useDemoSandbox(sandbox: RunningSandbox): Promise<DemoSandbox> {
  const merchant = sandbox.admin.getMerchant(DEMO_MERCHANT.mchid);
  return {
    sandbox,
    credentials: await readDemoCredentials(merchant.files.dir, sandbox.url),
    alipay: await readDemoAlipayCredentials(sandbox.dataDir, sandbox.url),
  };
}

/**
 * The demo app's Alipay account where the simulator of `dataDir` wrote its files
 * (`<dataDir>/alipay/<appId>/`), read as a merchant reads Alipay's: the app private key and
 * the Alipay public key, and the gateway on loopback.
 */
export async function readDemoAlipayCredentials(
  simulatorDataDir: string,
  simulatorUrl: string,
): Promise<AlipayCredentials> {
  const dir = join(simulatorDataDir, "alipay", DEMO_ALIPAY_APP.appId);
  const json = JSON.parse(await readFile(join(dir, "app.json"), "utf8")) as {
    appId: string;
    sellerId: string;
  };
  return {
    appId: json.appId,
    sellerId: json.sellerId,
    appPrivateKeyPem: await readFile(join(dir, "app_private_key.pem"), "utf8"),
    keys: { mode: "key", alipayPublicKeyPem: await readFile(join(dir, "alipay_public_key.pem"), "utf8") },
    gatewayUrl: `${simulatorUrl}${ALIPAY_GATEWAY_PATH}`,
  };
}

/**
 * The demo merchant's files where the simulator of `dataDir` wrote them. `kassa doctor` reads
 * them while `npm start` runs the simulator in another process (which owns its state).
 */
export function demoMerchantDir(dataDir: string): string {
  return join(dataDir, "sandbox", "merchants", DEMO_MERCHANT.mchid);
}

/** The credentials in a simulator merchant's folder (identity/merchant-files.ts wrote them). */
export async function readDemoCredentials(dir: string, simulatorUrl: string): Promise<WechatPayCredentials> {
  const json = JSON.parse(await readFile(join(dir, "merchant.json"), "utf8")) as {
    mchid: string;
    appid: string;
    appSecret: string;
    apiV3Key: string;
    merchantSerialNo: string;
    wechatpayPublicKeyId: string;
  };
  return {
    mchid: json.mchid,
    appid: json.appid,
    appSecret: json.appSecret,
    apiV3Key: json.apiV3Key,
    merchantSerialNo: json.merchantSerialNo,
    merchantPrivateKeyPem: await readFile(join(dir, "apiclient_key.pem"), "utf8"),
    merchantCertificatePem: await readFile(join(dir, "apiclient_cert.pem"), "utf8"),
    publicKey: {
      id: json.wechatpayPublicKeyId,
      pem: await readFile(join(dir, "wechatpay_public_key.pem"), "utf8"),
    },
    downloadPlatformCertificates: false,
    baseUrl: simulatorUrl,
    loginBaseUrl: simulatorUrl,
  };
}
