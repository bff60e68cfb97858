import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeKeyPair, makePki } from "../../../packages/alipay/src/testing/test-pki.ts";
import { ConfigError, loadConfig } from "./config.ts";

/**
 * KASSA_APPS_FILE's `apps.<id>.alipay` (issue 14): the app's own Alipay account (in Alipay the
 * keys belong to the app id, reference A.3), read by the checks of the ALIPAY_* variables,
 * every key a path beside the file, every problem told at its place in the file.
 */
const dir = mkdtempSync(join(tmpdir(), "kassa-apps-alipay-"));
mkdirSync(join(dir, "secrets"));
function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const rsaPem = () =>
  generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
const shop = await makePki(makeKeyPair(), makeKeyPair());
const cafe = await makePki(makeKeyPair(), makeKeyPair());
write("secrets/shop_key.pem", rsaPem().privateKey);
write("secrets/wechatpay_pub.pem", rsaPem().publicKey);
write("secrets/shop_apiv3", "Qm7vT2kXe9LrW4pZc8NyB3hJd6FsG1uA");
write("secrets/shop_app_secret", "7e0c93fa18d2b4e65a09c7d31f8e2b46");
write("secrets/cafe_app_secret", "c41d8e2a90b7f3651e0d4c9a27b8f5e3");
write("secrets/shop_alipay_app_key.txt", shop.app.privateKeyBase64);
write("secrets/shop_alipay_public_key.txt", shop.alipay.publicKeyBase64);
write("secrets/cafe_alipay_app_key.pem", cafe.app.privateKeyPem);
write("secrets/appCertPublicKey_2021004198765432.crt", cafe.appCertPem);
write("secrets/alipayCertPublicKey_RSA2.crt", cafe.alipayCertPem);
write("secrets/alipayRootCert.crt", cafe.rootBundlePem);

// Random-looking values of the right shapes; none of them appears in any documentation.
const file = {
  defaultApp: "app_shop",
  merchants: {
    mch_shop: {
      wechatpay: {
        mchid: "1683920475",
        merchantSerialNo: "3A91C07E5D24B8F16E0A9D3C72B58E41F06D2A97",
        merchantPrivateKeyFile: "secrets/shop_key.pem",
        apiV3KeyFile: "secrets/shop_apiv3",
        publicKeyId: "PUB_KEY_ID_0116839204752025061800481300000317",
        publicKeyFile: "secrets/wechatpay_pub.pem",
      },
    },
  },
  apps: {
    app_shop: {
      merchant: "mch_shop",
      wechat: { appid: "wx5c2e8a71d09f43b6", appSecretFile: "secrets/shop_app_secret" },
      alipay: {
        appId: "2021004123456789",
        sellerId: "2088731904625813",
        appPrivateKeyFile: "secrets/shop_alipay_app_key.txt",
        alipayPublicKeyFile: "secrets/shop_alipay_public_key.txt",
      } as Record<string, string>,
    },
    app_cafe: {
      merchant: "mch_shop",
      wechat: { appid: "wx9d14b6e2a07c35f8", appSecretFile: "secrets/cafe_app_secret" },
      alipay: {
        appId: "2021004198765432",
        sellerId: "2088731904625813", // one collecting account for both apps: allowed
        appPrivateKeyFile: "secrets/cafe_alipay_app_key.pem",
        appCertFile: "secrets/appCertPublicKey_2021004198765432.crt",
        alipayPublicCertFile: "secrets/alipayCertPublicKey_RSA2.crt",
        alipayRootCertFile: "secrets/alipayRootCert.crt",
        gatewayUrl: "https://openapi-sandbox.dl.alipaydev.com/gateway.do",
      } as Record<string, string>,
    },
  },
};
const production = {
  KASSA_MODE: "production",
  DATABASE_URL: "postgres://kassa@db/kassa",
  KASSA_PUBLIC_BASE_URL: "https://pay.shop.cn/",
};

let files = 0;
function withFile(content: unknown): Record<string, string> {
  files += 1;
  return { ...production, KASSA_APPS_FILE: write(`apps-${files}.json`, JSON.stringify(content, null, 2)) };
}
function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env, dir);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}
/** The file with its app_cafe's alipay entry changed. */
function cafeAlipay(change: (entry: Record<string, unknown>) => void): unknown {
  const copy = structuredClone(file);
  change(copy.apps.app_cafe.alipay);
  return copy;
}

describe("KASSA_APPS_FILE: apps.<id>.alipay", () => {
  it("gives each app its own Alipay account, in either mode, with its keys read from beside the file", () => {
    const [shopApp, cafeApp] = loadConfig(withFile(file), dir).apps;
    expect(shopApp?.alipay).toEqual({
      appId: "2021004123456789",
      sellerId: "2088731904625813",
      appPrivateKeyPem: shop.app.privateKeyBase64,
      keys: { mode: "key", alipayPublicKeyPem: shop.alipay.publicKeyBase64 },
    });
    expect(cafeApp?.alipay).toEqual({
      appId: "2021004198765432",
      sellerId: "2088731904625813",
      appPrivateKeyPem: cafe.app.privateKeyPem.trim(),
      keys: {
        mode: "certificate",
        appCertPem: cafe.appCertPem.trim(),
        alipayPublicCertPem: cafe.alipayCertPem.trim(),
        alipayRootCertPem: cafe.rootBundlePem.trim(),
      },
      gatewayUrl: "https://openapi-sandbox.dl.alipaydev.com/gateway.do",
    });
  });

  it("leaves an app without an alipay entry without Alipay, and refuses an empty entry", () => {
    const copy = structuredClone(file) as { apps: Record<string, Record<string, unknown>> };
    delete copy.apps.app_cafe?.alipay;
    const cafeApp = loadConfig(withFile(copy), dir).apps[1];
    expect(cafeApp && "alipay" in cafeApp).toBe(false);
    expect(
      problemsOf(
        withFile(
          cafeAlipay((entry) => {
            for (const key of Object.keys(entry)) delete entry[key];
          }),
        ),
      ),
    ).toEqual([
      "KASSA_APPS_FILE: apps.app_cafe.alipay is empty: give appId, sellerId, appPrivateKeyFile, alipayPublicKeyFile (or the three certificate files), or leave alipay out for an app without Alipay",
    ]);
  });

  it("takes an app with Alipay only: no wechat entry, and its merchant without a wechatpay entry", () => {
    const copy = structuredClone(file) as {
      merchants: Record<string, Record<string, unknown>>;
      apps: Record<string, Record<string, unknown>>;
    };
    copy.merchants.mch_tea = {};
    copy.apps.app_tea = { merchant: "mch_tea", alipay: copy.apps.app_shop?.alipay };
    delete copy.apps.app_shop?.alipay;
    // app_cafe shares mch_shop's WeChat Pay account; app_shop now takes it only through wechat.
    const apps = loadConfig(withFile(copy), dir).apps;
    const tea = apps.find((app) => app.id === "app_tea");
    expect(tea && "wechatpay" in tea).toBe(false);
    expect(tea).toMatchObject({ merchantId: "mch_tea", alipay: { appId: "2021004123456789" } });
    // An app of a merchant that has WeChat Pay may still take Alipay only.
    delete copy.apps.app_cafe?.wechat;
    const cafeApp = loadConfig(withFile(copy), dir).apps.find((app) => app.id === "app_cafe");
    expect(cafeApp && "wechatpay" in cafeApp).toBe(false);
    expect(cafeApp?.alipay?.appId).toBe("2021004198765432");
  });

  it("refuses an app with no channel, and WeChat Pay for a merchant without a wechatpay entry, in the file's words", () => {
    const copy = structuredClone(file) as {
      merchants: Record<string, Record<string, unknown>>;
      apps: Record<string, Record<string, unknown>>;
    };
    copy.merchants.mch_tea = { name: "Tea" };
    copy.apps.app_tea = { merchant: "mch_tea", wechat: copy.apps.app_shop?.wechat };
    copy.apps.app_none = { merchant: "mch_shop", name: "Nothing" };
    expect(problemsOf(withFile(copy))).toEqual([
      "KASSA_APPS_FILE: merchants.mch_tea.wechatpay is required: apps.app_tea.wechat takes WeChat Pay through its merchant's account (give the merchant's wechatpay entry, or leave wechat out for an app without WeChat Pay)",
      "KASSA_APPS_FILE: apps.app_none has no payment channel: give wechat (WeChat Pay, with its merchant's wechatpay entry), alipay (Alipay), or both",
    ]);
  });

  it("tells the checks' problems in the file's words: missing fields, the mode, a bad key", () => {
    const problems = problemsOf(
      withFile(
        cafeAlipay((entry) => {
          delete entry.sellerId;
          delete entry.alipayRootCertFile;
          entry.appId = "20210041987654";
          entry.appPrivateKeyFile = "secrets/alipayCertPublicKey_RSA2.crt";
        }),
      ),
    );
    expect(problems).toEqual([
      "KASSA_APPS_FILE: apps.app_cafe.alipay.appId must be the mini program's APPID, 16 digits (支付宝开放平台 → 控制台 → 小程序 → APPID), got 14 characters",
      "KASSA_APPS_FILE: apps.app_cafe.alipay.sellerId is required",
      "KASSA_APPS_FILE: apps.app_cafe.alipay.appPrivateKeyFile holds a certificate (appCertPublicKey_<appid>.crt?), not the app private key (应用私钥): give the private key Alipay's key tool made",
      "KASSA_APPS_FILE: certificate mode needs apps.app_cafe.alipay.alipayRootCertFile too: apps.app_cafe.alipay.appCertFile is appCertPublicKey_<appid>.crt, apps.app_cafe.alipay.alipayPublicCertFile alipayCertPublicKey_RSA2.crt, apps.app_cafe.alipay.alipayRootCertFile alipayRootCert.crt (or, in key mode, set only apps.app_cafe.alipay.alipayPublicKeyFile)",
    ]);
  });

  it("refuses both modes in one entry, naming the fields", () => {
    const problems = problemsOf(
      withFile(cafeAlipay((entry) => (entry.alipayPublicKeyFile = "secrets/shop_alipay_public_key.txt"))),
    );
    expect(problems[0]).toMatch(
      /^KASSA_APPS_FILE: apps\.app_cafe\.alipay\.alipayPublicKeyFile \(key mode\) is set, and so is apps\.app_cafe\.alipay\.appCertFile, apps\.app_cafe\.alipay\.alipayPublicCertFile, apps\.app_cafe\.alipay\.alipayRootCertFile \(certificate mode\): set one mode/,
    );
    expect(problems).toHaveLength(1);
  });

  it("refuses a private key written into the file without reading it, and a typo'd field", () => {
    const problems = problemsOf(
      withFile(
        cafeAlipay((entry) => {
          entry.appPrivateKey = cafe.app.privateKeyBase64;
          entry.sellerID = "2088731904625813";
        }),
      ),
    );
    expect(problems).toEqual([
      "KASSA_APPS_FILE: apps.app_cafe.alipay.appPrivateKey is a secret written into the file; write appPrivateKeyFile, the path of a file that holds it (the apps file holds no secret)",
      "KASSA_APPS_FILE: apps.app_cafe.alipay.sellerID is not a known field (known: appId, sellerId, appPrivateKeyFile, alipayPublicKeyFile, appCertFile, alipayPublicCertFile, alipayRootCertFile, gatewayUrl)",
    ]);
    expect(problems.join("\n")).not.toContain(cafe.app.privateKeyBase64.slice(40, 80));
  });

  it("says a key file it cannot read at its field, with the resolved path", () => {
    expect(problemsOf(withFile(cafeAlipay((entry) => (entry.appCertFile = "secrets/nowhere.crt"))))).toEqual([
      `KASSA_APPS_FILE: apps.app_cafe.alipay.appCertFile: cannot read the file ${join(dir, "secrets/nowhere.crt")} (ENOENT)`,
    ]);
  });

  it("refuses two apps with the same Alipay app id", () => {
    expect(problemsOf(withFile(cafeAlipay((entry) => (entry.appId = "2021004123456789"))))).toEqual([
      // The cafe's certificate is still its own key's: only the duplicate is a problem.
      "KASSA_APPS_FILE: apps.app_cafe.alipay.appId is the same Alipay app as apps.app_shop; list it once",
    ]);
  });

  it("refuses ALIPAY_* variables beside the file: the apps are given in one place", () => {
    expect(problemsOf({ ...withFile(file), ALIPAY_APP_ID: "2021004123456789" })).toEqual([
      "KASSA_APPS_FILE is set, and so is ALIPAY_APP_ID: give the apps in one place, the file (unset the variables)",
    ]);
  });
});
