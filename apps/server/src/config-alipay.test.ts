import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { makeKeyPair, makePki } from "../../../packages/alipay/src/testing/test-pki.ts";
import { ConfigError, loadConfig } from "./config.ts";

/**
 * An app's Alipay account from the ALIPAY_* variables (issue 14): none set, no Alipay; any
 * set, all of one mode required (reference A.3), every key and certificate loaded at start,
 * each problem naming the variable, its cause and its fix, never a value.
 */
const dir = mkdtempSync(join(tmpdir(), "kassa-alipay-config-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const pki = await makePki(makeKeyPair(), makeKeyPair());
const rsa = (modulusLength: number) =>
  generateKeyPairSync("rsa", {
    modulusLength,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
const ec = generateKeyPairSync("ec", {
  namedCurve: "P-256",
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
// As Alipay's key tool and console hand them out: bare Base64, no PEM armour.
const appKeyFile = file("app_private_key.txt", `${pki.app.privateKeyBase64}\n`);
const alipayKeyFile = file("alipay_public_key.txt", pki.alipay.publicKeyBase64);
const appCertFile = file("appCertPublicKey_2021004123456789.crt", pki.appCertPem);
const alipayCertFile = file("alipayCertPublicKey_RSA2.crt", pki.alipayCertPem);
const rootCertFile = file("alipayRootCert.crt", pki.rootBundlePem);

// Random-looking values of the right shapes; none of them appears in any documentation.
const wechatpay = rsa(2048);
const production = {
  KASSA_MODE: "production",
  DATABASE_URL: "postgres://kassa@db/kassa",
  KASSA_PUBLIC_BASE_URL: "https://pay.shop.cn/",
  WECHATPAY_MCHID: "1683920475",
  WECHATPAY_APPID: "wx5c2e8a71d09f43b6",
  WECHATPAY_APP_SECRET: "7e0c93fa18d2b4e65a09c7d31f8e2b46",
  WECHATPAY_MERCHANT_SERIAL_NO: "3A91C07E5D24B8F16E0A9D3C72B58E41F06D2A97",
  WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: file("apiclient_key.pem", rsa(2048).privateKey),
  WECHATPAY_APIV3_KEY: "Qm7vT2kXe9LrW4pZc8NyB3hJd6FsG1uA",
  WECHATPAY_PUBLIC_KEY_ID: "PUB_KEY_ID_0116839204752025061800481300000317",
  WECHATPAY_PUBLIC_KEY_FILE: file("pub_key.pem", wechatpay.publicKey),
};
const keyMode = {
  ALIPAY_APP_ID: "2021004123456789",
  ALIPAY_SELLER_ID: "2088731904625813",
  ALIPAY_APP_PRIVATE_KEY_FILE: appKeyFile,
  ALIPAY_PUBLIC_KEY_FILE: alipayKeyFile,
};
const { ALIPAY_PUBLIC_KEY_FILE: _key, ...noMode } = keyMode;
const certificateMode = {
  ...noMode,
  ALIPAY_APP_CERT_FILE: appCertFile,
  ALIPAY_PUBLIC_CERT_FILE: alipayCertFile,
  ALIPAY_ROOT_CERT_FILE: rootCertFile,
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
const alipayOf = (env: Record<string, string>) => loadConfig({ ...production, ...env }, dir).apps[0]?.alipay;

describe("ALIPAY_*: the environment's app takes Alipay too", () => {
  it("reads key mode, the keys as Alipay's tools write them (bare Base64)", () => {
    expect(alipayOf(keyMode)).toEqual({
      appId: "2021004123456789",
      sellerId: "2088731904625813",
      appPrivateKeyPem: pki.app.privateKeyBase64,
      keys: { mode: "key", alipayPublicKeyPem: pki.alipay.publicKeyBase64 },
    });
  });

  it("reads certificate mode, and a PEM app private key", () => {
    const pemKey = file("app_private_key.pem", pki.app.privateKeyPem);
    const alipay = alipayOf({
      ...certificateMode,
      ALIPAY_APP_PRIVATE_KEY_FILE: pemKey,
      ALIPAY_GATEWAY_URL: "https://openapi-sandbox.dl.alipaydev.com/gateway.do",
    });
    expect(alipay?.appPrivateKeyPem).toBe(pki.app.privateKeyPem.trim());
    expect(alipay?.keys).toEqual({
      mode: "certificate",
      appCertPem: pki.appCertPem.trim(),
      alipayPublicCertPem: pki.alipayCertPem.trim(),
      alipayRootCertPem: pki.rootBundlePem.trim(),
    });
    expect(alipay?.gatewayUrl).toBe("https://openapi-sandbox.dl.alipaydev.com/gateway.do");
  });

  it("leaves an app without Alipay when no ALIPAY_* variable is set (an empty one counts as unset)", () => {
    const app = loadConfig({ ...production, ALIPAY_GATEWAY_URL: " " }, dir).apps[0];
    expect(app?.wechatpay?.appid).toBe("wx5c2e8a71d09f43b6");
    expect(app && "alipay" in app).toBe(false);
  });

  it("takes an app with Alipay only: no WECHATPAY_* variable set", () => {
    const env = Object.fromEntries(
      Object.entries(production).filter(([name]) => !name.startsWith("WECHATPAY_")),
    );
    const [app, ...others] = loadConfig({ ...env, ...keyMode }, dir).apps;
    expect(others).toEqual([]);
    expect(app && "wechatpay" in app).toBe(false);
    expect(app).toMatchObject({ id: "app_default", alipay: { appId: "2021004123456789" } });
  });

  it("refuses an app with neither channel, saying which variables to set", () => {
    const env = Object.fromEntries(
      Object.entries(production).filter(([name]) => !name.startsWith("WECHATPAY_")),
    );
    expect(problemsOf(env)).toEqual([
      "no payment channel is configured: set the WECHATPAY_* variables for WeChat Pay, the ALIPAY_* variables for Alipay, or both (docs/configuration.md)",
    ]);
  });

  it("still requires every WeChat Pay variable once one is set, beside Alipay", () => {
    const env = Object.fromEntries(
      Object.entries(production).filter(([name]) => !name.startsWith("WECHATPAY_")),
    );
    expect(problemsOf({ ...env, ...keyMode, WECHATPAY_MCHID: "1683920475" })).toContain(
      "WECHATPAY_APPID is required",
    );
  });

  it("lists every missing variable once one is set", () => {
    expect(problemsOf({ ...production, ALIPAY_APP_ID: "2021004123456789" })).toEqual([
      "ALIPAY_SELLER_ID is required",
      "ALIPAY_APP_PRIVATE_KEY_FILE is required",
      "set ALIPAY_PUBLIC_KEY_FILE (key mode: the Alipay public key, 支付宝公钥) or ALIPAY_APP_CERT_FILE, ALIPAY_PUBLIC_CERT_FILE and ALIPAY_ROOT_CERT_FILE (certificate mode), as the app's 接口加签方式 is set (开放平台 → 应用 → 开发设置)",
    ]);
  });

  it("takes exactly one mode, and in certificate mode says which files are missing", () => {
    expect(problemsOf({ ...production, ...keyMode, ALIPAY_ROOT_CERT_FILE: rootCertFile })).toEqual([
      expect.stringMatching(
        /^ALIPAY_PUBLIC_KEY_FILE \(key mode\) is set, and so is ALIPAY_ROOT_CERT_FILE \(certificate mode\): set one mode, /,
      ),
    ]);
    expect(problemsOf({ ...production, ...noMode, ALIPAY_APP_CERT_FILE: appCertFile })).toEqual([
      expect.stringMatching(
        /^certificate mode needs ALIPAY_PUBLIC_CERT_FILE and ALIPAY_ROOT_CERT_FILE too: .*alipayCertPublicKey_RSA2\.crt/,
      ),
    ]);
  });

  it("refuses an app id that is not 16 digits and a seller that is not a 2088 PID, without echoing them", () => {
    const problems = problemsOf({
      ...production,
      ...keyMode,
      ALIPAY_APP_ID: "wx5c2e8a71d09f43b6",
      ALIPAY_SELLER_ID: "shop@pay.shop.cn",
    });
    expect(problems).toEqual([
      "ALIPAY_APP_ID must be the mini program's APPID, 16 digits (支付宝开放平台 → 控制台 → 小程序 → APPID), got 18 characters",
      "ALIPAY_SELLER_ID must be the collecting account's PID, 16 digits starting 2088 (支付宝商家平台 → 账号中心); notifications are checked against it (reference A.4 check c), got 16 characters",
    ]);
    expect(problemsOf({ ...production, ...keyMode, ALIPAY_SELLER_ID: "2021004123456789" })[0]).toMatch(
      /^ALIPAY_SELLER_ID must be the collecting account's PID, 16 digits starting 2088/,
    );
  });

  it("refuses a misspelt ALIPAY_ variable, which would otherwise leave the app without Alipay", () => {
    expect(problemsOf({ ...production, ...keyMode, ALIPAY_APPID: "2021004123456789" })).toEqual([
      expect.stringMatching(/^ALIPAY_APPID is not a variable Kassa reads \(it reads ALIPAY_APP_ID, /),
    ]);
    const { ALIPAY_APP_PRIVATE_KEY_FILE: _file, ...inline } = keyMode;
    const problems = problemsOf({
      ...production,
      ...inline,
      ALIPAY_APP_PRIVATE_KEY: pki.app.privateKeyBase64,
    });
    expect(problems).toEqual([
      "ALIPAY_APP_PRIVATE_KEY is not read: Kassa takes Alipay's keys and certificates only from files; write it to a file and set ALIPAY_APP_PRIVATE_KEY_FILE to its path",
      "ALIPAY_APP_PRIVATE_KEY_FILE is required",
    ]);
    expect(problems.join("\n")).not.toContain(pki.app.privateKeyBase64.slice(40, 80));
  });

  it("refuses a plain-http gateway (reference A.3) and one with a query", () => {
    expect(
      problemsOf({ ...production, ...keyMode, ALIPAY_GATEWAY_URL: "http://openapi.alipay.com/gateway.do" }),
    ).toEqual([
      expect.stringMatching(/^ALIPAY_GATEWAY_URL must be https:\/\/ in production \(reference A\.3/),
    ]);
    expect(
      problemsOf({
        ...production,
        ...keyMode,
        ALIPAY_GATEWAY_URL: "https://openapi.alipay.com/gateway.do?charset=utf-8",
      })[0],
    ).toMatch(
      /^ALIPAY_GATEWAY_URL must not carry a query .*the common parameters go in the gateway's query string/,
    );
  });
});

describe("ALIPAY_*: keys and certificates are loaded at start (reference A.3)", () => {
  const withFile = (name: string, text: string, extra: Record<string, string> = {}) => {
    const env = "ALIPAY_APP_CERT_FILE" in extra ? { ...certificateMode } : { ...keyMode };
    return problemsOf({ ...production, ...env, ...extra, [name]: file(`${name}-${Math.random()}`, text) });
  };

  it("refuses an unreadable app private key, naming the variable and the key tool's accepted format", () => {
    const problems = withFile("ALIPAY_APP_PRIVATE_KEY_FILE", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-not-a-key");
    expect(problems).toEqual([
      "ALIPAY_APP_PRIVATE_KEY_FILE is not a readable private key: Alipay's key tool (支付宝开放平台密钥工具) writes the app private key as bare Base64 PKCS#8, which is accepted as it is, as is a PEM key; a PKCS#1 key (the tool's PKCS1 format) must keep its -----BEGIN RSA PRIVATE KEY----- lines",
    ]);
    expect(problems.join("\n")).not.toContain("MIIEvQIBADANBgkqhkiG9w0BAQEFAASC");
  });

  it("refuses a certificate, a public key, an EC key and a short key as the app private key", () => {
    expect(withFile("ALIPAY_APP_PRIVATE_KEY_FILE", pki.appCertPem)[0]).toMatch(
      /^ALIPAY_APP_PRIVATE_KEY_FILE holds a certificate \(appCertPublicKey_<appid>\.crt\?\), not the app private key/,
    );
    expect(withFile("ALIPAY_APP_PRIVATE_KEY_FILE", pki.app.publicKeyPem)[0]).toMatch(
      /^ALIPAY_APP_PRIVATE_KEY_FILE holds a public key \(应用公钥\?\), not the app private key/,
    );
    expect(withFile("ALIPAY_APP_PRIVATE_KEY_FILE", ec.privateKey)).toEqual([
      "ALIPAY_APP_PRIVATE_KEY_FILE is not usable: the app private key is ec, not RSA (sign_type RSA2) (reference A.3)",
    ]);
    expect(withFile("ALIPAY_APP_PRIVATE_KEY_FILE", rsa(1024).privateKey)).toEqual([
      "ALIPAY_APP_PRIVATE_KEY_FILE is not usable: the app private key has 1024 bits; RSA2 uses RSA-2048 or more (reference A.3)",
    ]);
  });

  it("refuses the app's own public key as the Alipay public key, and a private key or a certificate", () => {
    expect(withFile("ALIPAY_PUBLIC_KEY_FILE", pki.app.publicKeyBase64)).toEqual([
      "ALIPAY_PUBLIC_KEY_FILE is the app's own public key (应用公钥), not the Alipay public key (支付宝公钥) that Alipay shows next to it: Alipay signs with its own key",
    ]);
    expect(withFile("ALIPAY_PUBLIC_KEY_FILE", pki.alipay.privateKeyPem)[0]).toMatch(
      /^ALIPAY_PUBLIC_KEY_FILE holds a private key: give the Alipay public key/,
    );
    expect(withFile("ALIPAY_PUBLIC_KEY_FILE", pki.alipayCertPem)[0]).toMatch(
      /^ALIPAY_PUBLIC_KEY_FILE holds a certificate: in key mode give the Alipay public key .*use certificate mode instead$/,
    );
    expect(withFile("ALIPAY_PUBLIC_KEY_FILE", "not a key")[0]).toMatch(
      /^ALIPAY_PUBLIC_KEY_FILE is not a readable public key/,
    );
  });

  it("refuses an app certificate of another key, swapped certificates and a bundle as one certificate", () => {
    const cert = { ALIPAY_APP_CERT_FILE: appCertFile };
    expect(withFile("ALIPAY_APP_CERT_FILE", pki.alipayCertPem, cert)).toEqual([
      "ALIPAY_APP_CERT_FILE is not the certificate of the app private key: give the appCertPublicKey_<appid>.crt Alipay issued for that key (Alipay would refuse every request's signature)",
    ]);
    expect(withFile("ALIPAY_PUBLIC_CERT_FILE", pki.appCertPem, cert)).toEqual([
      "ALIPAY_PUBLIC_CERT_FILE is the app's own certificate (appCertPublicKey_<appid>.crt), not Alipay's public certificate (alipayCertPublicKey_RSA2.crt)",
    ]);
    expect(withFile("ALIPAY_PUBLIC_CERT_FILE", pki.rootBundlePem, cert)).toEqual([
      "ALIPAY_PUBLIC_CERT_FILE begins with a self-signed root certificate: give alipayCertPublicKey_RSA2.crt, whose first certificate is Alipay's own (the root bundle is alipayRootCert.crt)",
    ]);
    expect(withFile("ALIPAY_ROOT_CERT_FILE", pki.app.privateKeyPem, cert)[0]).toMatch(
      /^ALIPAY_ROOT_CERT_FILE holds a private key, not a certificate: give alipayRootCert\.crt/,
    );
    expect(
      withFile("ALIPAY_ROOT_CERT_FILE", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", cert),
    ).toEqual([
      "ALIPAY_ROOT_CERT_FILE is not usable as alipayRootCert.crt: not a readable PEM X.509 certificate",
    ]);
  });

  it("refuses an empty key file and says a file it cannot read", () => {
    expect(withFile("ALIPAY_APP_PRIVATE_KEY_FILE", "\n")).toEqual([
      "ALIPAY_APP_PRIVATE_KEY_FILE names an empty file",
    ]);
    const missing = join(dir, "nowhere.crt");
    expect(problemsOf({ ...production, ...certificateMode, ALIPAY_ROOT_CERT_FILE: missing })).toEqual([
      `ALIPAY_ROOT_CERT_FILE: cannot read the file ${missing} (ENOENT)`,
    ]);
  });
});
