import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeKeyPair, makePki, type TestPki } from "../../../packages/alipay/src/testing/test-pki.ts";
import { ConfigError, loadConfig } from "./config.ts";

/**
 * docs/configuration.md's Alipay examples, written out with generated keys, are read as they
 * are: their only problems are their sample identifiers, refused like every documented
 * example, and with one's own identifiers in their place they start.
 */
const doc = readFileSync(join(import.meta.dirname, "../../../docs/configuration.md"), "utf8");
const block = (heading: string, language: string) => {
  const found = new RegExp(`${heading}[\\s\\S]*?\`\`\`${language}\\n([\\s\\S]*?)\`\`\``).exec(doc)?.[1];
  if (!found) throw new Error(`docs/configuration.md has no ${language} example under ${heading}`);
  return found;
};
const rsaPem = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
function problemsOf(env: Record<string, string>, cwd: string): readonly string[] {
  try {
    loadConfig(env, cwd);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
const SAMPLE = /is the sample value from the documentation; set your own$/;
const production = {
  KASSA_MODE: "production",
  DATABASE_URL: "postgres://kassa@db/kassa",
  KASSA_PUBLIC_BASE_URL: "https://pay.shop.cn/",
};
/** What Alipay's tools hand out, by the file names the examples use. */
function alipayFile(name: string, pki: TestPki): string {
  if (name.includes("alipay_app_private_key") || name === "app_private_key.txt")
    return pki.app.privateKeyBase64;
  if (name.includes("alipay_public_key")) return pki.alipay.publicKeyBase64;
  if (name.startsWith("appCertPublicKey_")) return pki.appCertPem;
  if (name === "alipayCertPublicKey_RSA2.crt") return pki.alipayCertPem;
  if (name === "alipayRootCert.crt") return pki.rootBundlePem;
  throw new Error(`the example names a file this test does not know: ${name}`);
}

describe("docs/configuration.md: the Alipay examples", () => {
  it("the ALIPAY_* example is read in key mode, refusing only its sample identifiers", async () => {
    const pki = await makePki(makeKeyPair(), makeKeyPair());
    const folder = mkdtempSync(join(tmpdir(), "kassa-alipay-doc-env-"));
    const env: Record<string, string> = {};
    for (const line of block("## Alipay \\(production\\)", "sh").trim().split("\n")) {
      const [name = "", value = ""] = line.split("=");
      // The example's /run/secrets paths, made in a folder of this test's.
      if (name.endsWith("_FILE")) {
        env[name] = join(folder, basename(value));
        writeFileSync(env[name], alipayFile(basename(value), pki));
      } else env[name] = value;
    }
    const wechatpay = {
      WECHATPAY_MCHID: "1683920475",
      WECHATPAY_APPID: "wx5c2e8a71d09f43b6",
      WECHATPAY_APP_SECRET: "7e0c93fa18d2b4e65a09c7d31f8e2b46",
      WECHATPAY_MERCHANT_SERIAL_NO: "3A91C07E5D24B8F16E0A9D3C72B58E41F06D2A97",
      WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: join(folder, "apiclient_key.pem"),
      WECHATPAY_APIV3_KEY: "Qm7vT2kXe9LrW4pZc8NyB3hJd6FsG1uA",
      WECHATPAY_PUBLIC_KEY_ID: "PUB_KEY_ID_0116839204752025061800481300000317",
      WECHATPAY_PUBLIC_KEY_FILE: join(folder, "pub_key.pem"),
    };
    writeFileSync(wechatpay.WECHATPAY_MERCHANT_PRIVATE_KEY_FILE, rsaPem().privateKey);
    writeFileSync(wechatpay.WECHATPAY_PUBLIC_KEY_FILE, rsaPem().publicKey);

    expect(problemsOf({ ...production, ...wechatpay, ...env }, folder)).toEqual([
      "ALIPAY_APP_ID is the sample value from the documentation; set your own",
      "ALIPAY_SELLER_ID is the sample value from the documentation; set your own",
    ]);
    const own = { ...env, ALIPAY_APP_ID: "2021004123456789", ALIPAY_SELLER_ID: "2088731904625813" };
    expect(loadConfig({ ...production, ...wechatpay, ...own }, folder).apps[0]?.alipay?.keys.mode).toBe(
      "key",
    );
  });

  it("the apps file example is read in both modes, refusing only its sample identifiers", async () => {
    const shop = await makePki(makeKeyPair(), makeKeyPair());
    const cafe = await makePki(makeKeyPair(), makeKeyPair());
    const example = block("### Alipay in the apps file", "json");
    const folder = mkdtempSync(join(tmpdir(), "kassa-alipay-doc-file-"));
    const parsed = JSON.parse(example) as {
      merchants: Record<string, { wechatpay: Record<string, string> }>;
      apps: Record<string, { wechat: Record<string, string>; alipay: Record<string, string> }>;
    };
    const wechatFiles: Record<string, string> = {
      merchantPrivateKeyFile: rsaPem().privateKey,
      publicKeyFile: rsaPem().publicKey,
      apiV3KeyFile: "Qm7vT2kXe9LrW4pZc8NyB3hJd6FsG1uA",
      appSecretFile: "7e0c93fa18d2b4e65a09c7d31f8e2b46",
    };
    const put = (path: string, text: string) => {
      mkdirSync(dirname(join(folder, path)), { recursive: true });
      writeFileSync(join(folder, path), text);
    };
    for (const entry of [
      ...Object.values(parsed.merchants).map((merchant) => merchant.wechatpay),
      ...Object.values(parsed.apps).map((app) => app.wechat),
    ])
      for (const [field, path] of Object.entries(entry))
        if (field.endsWith("File")) put(path, wechatFiles[field] as string);
    for (const [appId, app] of Object.entries(parsed.apps))
      for (const [field, path] of Object.entries(app.alipay))
        if (field.endsWith("File")) put(path, alipayFile(basename(path), appId === "app_shop" ? shop : cafe));

    writeFileSync(join(folder, "apps.json"), example);
    const problems = problemsOf({ ...production, KASSA_APPS_FILE: join(folder, "apps.json") }, folder);
    for (const problem of problems) expect(problem).toMatch(SAMPLE);
    expect(problems.filter((problem) => problem.includes(".alipay."))).toEqual([
      "KASSA_APPS_FILE: apps.app_shop.alipay.appId is the sample value from the documentation; set your own",
      "KASSA_APPS_FILE: apps.app_shop.alipay.sellerId is the sample value from the documentation; set your own",
      "KASSA_APPS_FILE: apps.app_cafe.alipay.appId is the sample value from the documentation; set your own",
      "KASSA_APPS_FILE: apps.app_cafe.alipay.sellerId is the sample value from the documentation; set your own",
    ]);

    // With one's own identifiers in the samples' places, the example starts as it is.
    const own = structuredClone(parsed);
    Object.assign(Object.values(own.merchants)[0]?.wechatpay ?? {}, {
      mchid: "1683920475",
      merchantSerialNo: "3A91C07E5D24B8F16E0A9D3C72B58E41F06D2A97",
    });
    const [shopApp, cafeApp] = Object.values(own.apps);
    Object.assign(shopApp?.wechat ?? {}, { appid: "wx5c2e8a71d09f43b6" });
    Object.assign(cafeApp?.wechat ?? {}, { appid: "wx9d14b6e2a07c35f8" });
    Object.assign(shopApp?.alipay ?? {}, { appId: "2021004123456789", sellerId: "2088731904625813" });
    Object.assign(cafeApp?.alipay ?? {}, { appId: "2021004198765432", sellerId: "2088731904625813" });
    writeFileSync(join(folder, "own.json"), JSON.stringify(own));
    const config = loadConfig({ ...production, KASSA_APPS_FILE: join(folder, "own.json") }, folder);
    expect(config.apps.map((app) => [app.id, app.alipay?.keys.mode])).toEqual([
      ["app_shop", "key"],
      ["app_cafe", "certificate"],
    ]);
  });
});
