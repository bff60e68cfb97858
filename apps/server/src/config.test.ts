import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

const dir = mkdtempSync(join(tmpdir(), "kassa-config-"));
const keyFile = join(dir, "apiclient_key.pem");
const publicKeyFile = join(dir, "pub_key.pem");
writeFileSync(keyFile, "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n");
writeFileSync(publicKeyFile, "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n");

const production = {
  KASSA_MODE: "production",
  DATABASE_URL: "postgres://kassa@db/kassa",
  KASSA_PUBLIC_BASE_URL: "https://pay.example.com/",
  WECHATPAY_MCHID: "1900000001",
  WECHATPAY_APPID: "wx1234567890abcdef",
  WECHATPAY_APP_SECRET: "3f1c0a9e7d5b4c2a1f0e9d8c7b6a5f4e",
  WECHATPAY_MERCHANT_SERIAL_NO: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
  WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: keyFile,
  WECHATPAY_APIV3_KEY: "a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",
  WECHATPAY_PUBLIC_KEY_ID: "PUB_KEY_ID_0000000000000024101100397200000006",
  WECHATPAY_PUBLIC_KEY_FILE: publicKeyFile,
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env, dir);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("loadConfig", () => {
  it("runs a demo on an embedded database in the data directory when nothing is set", () => {
    const config = loadConfig({}, dir);
    expect(config.mode).toBe("demo");
    expect(config.databaseUrl).toBe(join(dir, ".data", "kassa.sqlite"));
    expect(config.wechatpay).toBeUndefined();
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("accepts a complete production configuration and trims the base URL's slash", () => {
    const config = loadConfig(production, dir);
    expect(config.publicBaseUrl).toBe("https://pay.example.com");
    expect(config.wechatpay?.publicKey?.id).toMatch(/^PUB_KEY_ID_/);
  });

  it("refuses production without a secret, and names it", () => {
    const { WECHATPAY_APIV3_KEY: _omitted, ...env } = production;
    expect(problemsOf(env)).toEqual(["WECHATPAY_APIV3_KEY (or WECHATPAY_APIV3_KEY_FILE) is required"]);
  });

  it("refuses production on a sample secret", () => {
    expect(problemsOf({ ...production, WECHATPAY_APP_SECRET: "changeme" })).toEqual([
      "WECHATPAY_APP_SECRET is a sample value; set the real one",
    ]);
  });

  it("refuses a notify base URL that is not https", () => {
    expect(problemsOf({ ...production, KASSA_PUBLIC_BASE_URL: "http://pay.example.com" })[0]).toContain(
      "https",
    );
  });

  it("refuses production without any way to verify WeChat Pay", () => {
    const { WECHATPAY_PUBLIC_KEY_ID: _id, WECHATPAY_PUBLIC_KEY_FILE: _file, ...env } = production;
    expect(problemsOf(env)[0]).toContain("WECHATPAY_PUBLIC_KEY_ID");
  });

  it("lists every problem at once", () => {
    expect(problemsOf({ KASSA_MODE: "production", PORT: "http" }).length).toBeGreaterThan(5);
  });

  it("reads a secret from a _FILE path", () => {
    const secretFile = join(dir, "apiv3.key");
    writeFileSync(secretFile, "b1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6\n");
    const { WECHATPAY_APIV3_KEY: _omitted, ...env } = production;
    expect(loadConfig({ ...env, WECHATPAY_APIV3_KEY_FILE: secretFile }, dir).wechatpay?.apiV3Key).toBe(
      "b1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6",
    );
  });
});
