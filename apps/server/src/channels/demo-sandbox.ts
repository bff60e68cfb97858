import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type RunningSandbox, startSandbox } from "@kassa/sandbox";
import type { WechatPayCredentials } from "../config.ts";

/** The demo merchant: test credentials that work against the simulator only. */
export const DEMO_MERCHANT = {
  mchid: "1900000109",
  appid: "wxd678efh567hg6787",
  merchantName: "Kassa 演示茶铺 (demo tea shop)",
} as const;

export interface DemoSandbox {
  sandbox: RunningSandbox;
  credentials: WechatPayCredentials;
}

/**
 * Demo mode's channel (product.md "How a newcomer starts it"): the WeChat Pay simulator in
 * this process, with its data in `<dataDir>/sandbox`, and the demo merchant it created once.
 * Kassa reads the merchant's files exactly as it would read a real merchant's.
 */
export async function startDemoSandbox(options: {
  dataDir: string;
  port: number;
  notifyUrl: string;
}): Promise<DemoSandbox> {
  const sandbox = await startSandbox({
    dataDir: join(options.dataDir, "sandbox"),
    port: options.port,
    config: { merchants: [{ ...DEMO_MERCHANT, notifyUrl: options.notifyUrl, certificates: false }] },
  });
  return useDemoSandbox(sandbox);
}

/** The demo merchant's credentials from a simulator already running. */
export async function useDemoSandbox(sandbox: RunningSandbox): Promise<DemoSandbox> {
  const merchant = sandbox.admin.getMerchant(DEMO_MERCHANT.mchid);
  const secrets = JSON.parse(await readFile(merchant.files.merchantJson, "utf8")) as {
    appSecret: string;
    apiV3Key: string;
  };
  return {
    sandbox,
    credentials: {
      mchid: merchant.mchid,
      appid: merchant.appid,
      appSecret: secrets.appSecret,
      apiV3Key: secrets.apiV3Key,
      merchantSerialNo: merchant.merchantSerialNo,
      merchantPrivateKeyPem: await readFile(merchant.files.privateKey, "utf8"),
      publicKey: {
        id: merchant.wechatpayPublicKeyId,
        pem: await readFile(merchant.files.wechatpayPublicKey, "utf8"),
      },
      downloadPlatformCertificates: false,
      baseUrl: sandbox.url,
      loginBaseUrl: sandbox.url,
    },
  };
}
