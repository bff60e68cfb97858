import "reflect-metadata"; // @peculiar/x509 resolves its ASN.1 services through tsyringe, which needs it
import { generateKeyPairSync, randomBytes, webcrypto } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";
import { startKassa } from "./main.ts";

const dir = mkdtempSync(join(tmpdir(), "kassa-config-"));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
function rsaPem(modulusLength: number): { publicKey: string; privateKey: string } {
  return generateKeyPairSync("rsa", {
    modulusLength,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}
function ecPem(): { publicKey: string; privateKey: string } {
  return generateKeyPairSync("ec", {
    namedCurve: "P-256",
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
}
const merchant = rsaPem(2048);
const wechatpay = rsaPem(2048);
const keyFile = file("apiclient_key.pem", merchant.privateKey);
const publicKeyFile = file("pub_key.pem", wechatpay.publicKey);

async function selfSignedCertificatePem(): Promise<string> {
  const algorithm = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const keys = await webcrypto.subtle.generateKey(
    { ...algorithm, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ["sign", "verify"],
  );
  const certificate = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=Tenpay.com sign",
    notBefore: new Date(),
    notAfter: new Date(Date.now() + 86_400_000),
    signingAlgorithm: algorithm,
    keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]["keys"],
  });
  return certificate.toString("pem");
}

// Random-looking values of the right shapes; none of them appears in any documentation.
const APIV3_KEY = "Qm7vT2kXe9LrW4pZc8NyB3hJd6FsG1uA";
const APP_SECRET = "7e0c93fa18d2b4e65a09c7d31f8e2b46";
const production = {
  KASSA_MODE: "production",
  DATABASE_URL: "postgres://kassa@db/kassa",
  KASSA_PUBLIC_BASE_URL: "https://pay.shop.cn/",
  WECHATPAY_MCHID: "1683920475",
  WECHATPAY_APPID: "wx5c2e8a71d09f43b6",
  WECHATPAY_APP_SECRET: APP_SECRET,
  WECHATPAY_MERCHANT_SERIAL_NO: "3A91C07E5D24B8F16E0A9D3C72B58E41F06D2A97",
  WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: keyFile,
  WECHATPAY_APIV3_KEY: APIV3_KEY,
  WECHATPAY_PUBLIC_KEY_ID: "PUB_KEY_ID_0116839204752025061800481300000317",
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
    expect(config.apps).toEqual([]);
    expect(config.trustProxy).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("accepts a complete production configuration and trims the base URL's slash", () => {
    const config = loadConfig(production, dir);
    expect(config.publicBaseUrl).toBe("https://pay.shop.cn");
    expect(config.apps[0]?.wechatpay?.publicKey?.id).toMatch(/^PUB_KEY_ID_/);
  });

  it("refuses production without a secret, and names it", () => {
    const { WECHATPAY_APIV3_KEY: _omitted, ...env } = production;
    expect(problemsOf(env)).toEqual(["WECHATPAY_APIV3_KEY (or WECHATPAY_APIV3_KEY_FILE) is required"]);
  });

  it("refuses production on a sample secret", () => {
    expect(problemsOf({ ...production, WECHATPAY_APP_SECRET: "changeme" })).toEqual([
      'WECHATPAY_APP_SECRET looks like a placeholder (it contains "changeme"); set the real value from the WeChat platform',
    ]);
  });

  it("refuses a notify base URL that is not https", () => {
    expect(problemsOf({ ...production, KASSA_PUBLIC_BASE_URL: "http://pay.shop.cn" })[0]).toContain("https");
  });

  it("refuses production without any way to verify WeChat Pay", () => {
    const { WECHATPAY_PUBLIC_KEY_ID: _id, WECHATPAY_PUBLIC_KEY_FILE: _file, ...env } = production;
    expect(problemsOf(env)[0]).toContain("WECHATPAY_PUBLIC_KEY_ID");
  });

  it("lists every problem at once", () => {
    // One WeChat Pay variable set: the app takes WeChat Pay, so each missing one is a problem.
    expect(
      problemsOf({ KASSA_MODE: "production", PORT: "http", WECHATPAY_MCHID: "1683920475" }).length,
    ).toBeGreaterThan(5);
  });

  it("reads a secret from a _FILE path", () => {
    const secretFile = file("apiv3.key", "Hs4Lw8Ne2Tq6Yb0Vc5Mk9Rg3Xf7Pj1Da\n");
    const { WECHATPAY_APIV3_KEY: _omitted, ...env } = production;
    expect(
      loadConfig({ ...env, WECHATPAY_APIV3_KEY_FILE: secretFile }, dir).apps[0]?.wechatpay?.apiV3Key,
    ).toBe("Hs4Lw8Ne2Tq6Yb0Vc5Mk9Rg3Xf7Pj1Da");
  });
});

describe("webhooks: the master key and the allowed domains", () => {
  it("reads KASSA_MASTER_KEY_FILE as 32 bytes, and says what a malformed one should hold, without quoting it", () => {
    const key = randomBytes(32);
    const good = file("master.key", `${key.toString("base64")}\n`);
    expect(loadConfig({ ...production, KASSA_MASTER_KEY_FILE: good }, dir).webhooks.masterKey).toEqual(key);
    const bad = file("bad-master.key", "my-secret-password");
    const [problem] = problemsOf({ ...production, KASSA_MASTER_KEY_FILE: bad });
    expect(problem).toMatch(
      /^KASSA_MASTER_KEY_FILE must hold 32 random bytes as base64 .*openssl rand -base64 32/,
    );
    expect(problem).not.toContain("my-secret-password");
    expect(problemsOf({ ...production, KASSA_MASTER_KEY_FILE: join(dir, "missing.key") })[0]).toMatch(
      /KASSA_MASTER_KEY_FILE: cannot read the file .*ENOENT/,
    );
  });

  it("starts production without a master key (creating an endpoint then says to set it)", () => {
    expect(loadConfig(production, dir).webhooks.masterKey).toBeUndefined();
  });

  it("gives the environment's app the hosts of KASSA_WEBHOOK_DOMAINS, and refuses what is not a host", () => {
    const config = loadConfig(
      { ...production, KASSA_WEBHOOK_DOMAINS: "Hooks.Shop.example, *.erp.example" },
      dir,
    );
    expect(config.apps[0]?.webhookDomains).toEqual(["hooks.shop.example", "*.erp.example"]);
    expect(loadConfig(production, dir).apps[0]?.webhookDomains).toEqual([]);
    for (const wrong of ["https://hooks.shop.example", "hooks.shop.example:8443", "10.0.0.1", "a/b"])
      expect(problemsOf({ ...production, KASSA_WEBHOOK_DOMAINS: wrong })[0], wrong).toMatch(
        /^KASSA_WEBHOOK_DOMAINS lists .* which is not a host name/,
      );
  });
});

describe("KASSA_TRUST_PROXY: whose X-Forwarded-For to believe", () => {
  it("refuses true, which trusts every hop and lets a client choose its own address, and says what to write", () => {
    const problems = problemsOf({ KASSA_TRUST_PROXY: "true" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain("KASSA_TRUST_PROXY=true");
    expect(problems[0]).toContain("KASSA_TRUST_PROXY=1");
    expect(problems[0]).toContain("X-Forwarded-For");
  });

  it("takes a number of trusted hops, or a list of proxy addresses and CIDRs", () => {
    expect(loadConfig({ KASSA_TRUST_PROXY: "1" }, dir).trustProxy).toBe(1);
    expect(loadConfig({ KASSA_TRUST_PROXY: "2" }, dir).trustProxy).toBe(2);
    expect(loadConfig({ KASSA_TRUST_PROXY: "10.0.0.5, 10.0.1.0/24,::1,fd00::/8" }, dir).trustProxy).toEqual([
      "10.0.0.5",
      "10.0.1.0/24",
      "::1",
      "fd00::/8",
    ]);
    expect(loadConfig({ KASSA_TRUST_PROXY: "loopback" }, dir).trustProxy).toEqual(["loopback"]);
    expect(loadConfig({ KASSA_TRUST_PROXY: "false" }, dir).trustProxy).toBe(false);
    expect(loadConfig({ KASSA_TRUST_PROXY: "0" }, dir).trustProxy).toBe(false);
  });

  it("refuses a value that is neither a hop count nor addresses, and a CIDR that trusts every address", () => {
    for (const value of ["yes", "10.0.0.0/33", "10.0.0.300", "1.5", "0.0.0.0/0", "::/0"]) {
      const problems = problemsOf({ KASSA_TRUST_PROXY: value });
      expect(problems, value).toHaveLength(1);
      expect(problems[0], value).toMatch(/^KASSA_TRUST_PROXY/);
    }
  });
});

describe("secrets: placeholders are refused in production", () => {
  const placeholders = [
    "12345678901234567890123456789012", // an ascending run
    "98765432109876543210987654321098", // a descending run
    "abcdefghijklmnopqrstuvwxyzABCDEF",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", // one repeated character
    "00000000000000000000000000000000",
    "abcabcabcabcabcabcabcabcabcabcab", // a short pattern repeated
    "your_app_secret",
    "your-api-v3-key-32-characters-xx",
    "wechatpay_apiv3_key_xxx",
    "Kassa-Test-Key-0123-abcd-zyxw-99",
    "please-changeme-before-going-liv",
    "an_example_key_for_the_docs_only",
    "sample9sample9sample9sample9samp",
    "PLACEHOLDER_APIV3_KEY_32_BYTES__",
    "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", // the nonce of the paySign example (reference §9.8)
    "593BEC0C930BF1AFEB40B4A08C8FB242", // the nonce of the signing example (reference §2)
  ];
  for (const name of ["WECHATPAY_APP_SECRET", "WECHATPAY_APIV3_KEY"]) {
    it.each(placeholders)(
      `${name}=%s is refused as a placeholder, and the value is not repeated`,
      (value) => {
        const problems = problemsOf({ ...production, [name]: value }).filter((p) =>
          p.includes("placeholder"),
        );
        expect(problems).toHaveLength(1);
        expect(problems[0]).toMatch(new RegExp(`^${name} looks like a placeholder`));
        expect(problems[0]).not.toContain(value);
      },
    );
  }

  it("accepts random secrets that happen to hold a short run or a common letter pair", () => {
    expect(
      problemsOf({
        ...production,
        WECHATPAY_APIV3_KEY: "x1234567Tq6Yb0Vc5Mk9Rg3Xf7Pj1Dab",
        WECHATPAY_APP_SECRET: "0123456e9c1f7a2b8d3e4f5a6b7c8d9e",
      }),
    ).toEqual([]);
  });
});

describe("KASSA_PUBLIC_BASE_URL: where WeChat Pay sends notify_url (reference §5.1)", () => {
  it("accepts https in any case and normalises it: lower-case scheme and host, no trailing slash", () => {
    expect(
      loadConfig({ ...production, KASSA_PUBLIC_BASE_URL: "HTTPS://Pay.Shop.CN/Kassa/" }, dir).publicBaseUrl,
    ).toBe("https://pay.shop.cn/Kassa");
    expect(
      loadConfig({ ...production, KASSA_PUBLIC_BASE_URL: "https://pay.shop.cn:8443" }, dir).publicBaseUrl,
    ).toBe("https://pay.shop.cn:8443");
  });

  it("refuses a query, a fragment or credentials, which notify_url must not carry", () => {
    for (const url of [
      "https://x/?a=1#x",
      "https://pay.shop.cn/?a=1",
      "https://pay.shop.cn/#x",
      "https://pay.shop.cn/?",
      "https://kassa:pw@pay.shop.cn",
    ]) {
      const problems = problemsOf({ ...production, KASSA_PUBLIC_BASE_URL: url });
      expect(problems, url).toHaveLength(1);
      expect(problems[0], url).toMatch(/^KASSA_PUBLIC_BASE_URL must not carry/);
      expect(problems[0], url).not.toContain("pw");
    }
  });

  it("refuses a value that is not an absolute URL, and a notify_url longer than 255 characters", () => {
    expect(problemsOf({ ...production, KASSA_PUBLIC_BASE_URL: "pay.shop.cn" })[0]).toMatch(
      /^KASSA_PUBLIC_BASE_URL is not an absolute URL/,
    );
    expect(
      problemsOf({ ...production, KASSA_PUBLIC_BASE_URL: `https://pay.shop.cn/${"a".repeat(240)}` })[0],
    ).toContain("255");
  });

  it("accepts http in demo mode, with the same rules otherwise", () => {
    expect(loadConfig({ KASSA_PUBLIC_BASE_URL: "http://192.168.1.20:8700/" }, dir).publicBaseUrl).toBe(
      "http://192.168.1.20:8700",
    );
    expect(problemsOf({ KASSA_PUBLIC_BASE_URL: "http://192.168.1.20:8700/?a=1" })).toHaveLength(1);
  });
});

describe("keys are parsed at start, and every problem is listed at once", () => {
  it("refuses an APIv3 key that is not exactly 32 bytes (reference §4.2)", () => {
    expect(problemsOf({ ...production, WECHATPAY_APIV3_KEY: APIV3_KEY.slice(1) })).toEqual([
      "WECHATPAY_APIV3_KEY must be exactly 32 bytes (the 32-character APIv3 key set at 商户平台 → 账户中心 → API安全), got 31",
    ]);
  });

  it("refuses a merchant private key that does not parse, is not RSA, or is shorter than 2048 bits", async () => {
    const cases = {
      "garbage.pem": "-----BEGIN PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----\n",
      "ec.pem": ecPem().privateKey,
      "rsa1024.pem": rsaPem(1024).privateKey,
      "cert.pem": await selfSignedCertificatePem(),
    };
    const expected = {
      "garbage.pem": "is not a readable PEM private key",
      "ec.pem": "is not an RSA key (it is ec)",
      "rsa1024.pem": "has 1024 bits",
      "cert.pem": "holds a certificate",
    };
    for (const [name, text] of Object.entries(cases)) {
      const problems = problemsOf({ ...production, WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: file(name, text) });
      expect(problems, name).toHaveLength(1);
      expect(problems[0], name).toMatch(/^WECHATPAY_MERCHANT_PRIVATE_KEY_FILE/);
      expect(problems[0], name).toContain(expected[name as keyof typeof expected]);
    }
  });

  it("names an empty merchant private key file as a start-up problem instead of accepting it", () => {
    for (const text of ["", "\n  \n"]) {
      const path = file("empty.pem", text);
      const problems = problemsOf({ ...production, WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: path });
      expect(problems).toEqual([`WECHATPAY_MERCHANT_PRIVATE_KEY_FILE names an empty file (${path})`]);
    }
  });

  it("refuses a WeChat Pay public key that does not parse, is a private key, or is not RSA", () => {
    const cases = {
      "pub-garbage.pem": "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n",
      "pub-private.pem": merchant.privateKey,
      "pub-ec.pem": ecPem().publicKey,
    };
    const expected = {
      "pub-garbage.pem": "is not a readable PEM public key",
      "pub-private.pem": "holds a private key",
      "pub-ec.pem": "is not an RSA key (it is ec)",
    };
    for (const [name, text] of Object.entries(cases)) {
      const problems = problemsOf({ ...production, WECHATPAY_PUBLIC_KEY_FILE: file(name, text) });
      expect(problems, name).toHaveLength(1);
      expect(problems[0], name).toMatch(/^WECHATPAY_PUBLIC_KEY_FILE/);
      expect(problems[0], name).toContain(expected[name as keyof typeof expected]);
    }
  });

  it("refuses a merchant serial number that is not the 40 hex characters of the certificate's serial (reference §2)", () => {
    for (const serial of ["5157F09E", "not-a-serial", `${"A".repeat(39)}G`]) {
      const problems = problemsOf({ ...production, WECHATPAY_MERCHANT_SERIAL_NO: serial });
      expect(problems, serial).toHaveLength(1);
      expect(problems[0], serial).toMatch(/^WECHATPAY_MERCHANT_SERIAL_NO must be the 40 hex characters/);
    }
    const lower = production.WECHATPAY_MERCHANT_SERIAL_NO.toLowerCase();
    expect(
      loadConfig({ ...production, WECHATPAY_MERCHANT_SERIAL_NO: lower }, dir).apps[0]?.wechatpay
        ?.merchantSerialNo,
    ).toBe(production.WECHATPAY_MERCHANT_SERIAL_NO);
  });

  it("stops the start on them before connecting to the database (here, one that is down)", async () => {
    const start = startKassa({
      env: {
        ...production,
        DATABASE_URL: "postgres://kassa@127.0.0.1:1/kassa",
        WECHATPAY_APIV3_KEY: "short",
      },
      cwd: dir,
    });
    await expect(start).rejects.toBeInstanceOf(ConfigError);
    await expect(start).rejects.toThrow("WECHATPAY_APIV3_KEY must be exactly 32 bytes");
  });

  it("lists a short APIv3 key, an unparsable private key and public key and a bad serial together", () => {
    const problems = problemsOf({
      ...production,
      WECHATPAY_APIV3_KEY: APIV3_KEY.slice(1),
      WECHATPAY_MERCHANT_PRIVATE_KEY_FILE: file("bad-key.pem", "not a key"),
      WECHATPAY_PUBLIC_KEY_FILE: file("bad-pub.pem", "not a key"),
      WECHATPAY_MERCHANT_SERIAL_NO: "abc",
    });
    expect(problems.map((problem) => problem.split(" ")[0])).toEqual([
      "WECHATPAY_MERCHANT_SERIAL_NO",
      "WECHATPAY_MERCHANT_PRIVATE_KEY_FILE",
      "WECHATPAY_APIV3_KEY",
      "WECHATPAY_PUBLIC_KEY_FILE",
    ]);
  });
});

describe("WeChat Pay identifiers and hosts in production", () => {
  it("refuses a plain-http WECHATPAY_BASE_URL or WECHAT_LOGIN_BASE_URL (reference §1: HTTPS only)", () => {
    expect(problemsOf({ ...production, WECHATPAY_BASE_URL: "http://127.0.0.1:1" })).toEqual([
      "WECHATPAY_BASE_URL must be https:// in production (reference §1: WeChat Pay is HTTPS only); to try Kassa against the simulator, run it in demo mode",
    ]);
    expect(problemsOf({ ...production, WECHAT_LOGIN_BASE_URL: "http://127.0.0.1:1" })[0]).toMatch(
      /^WECHAT_LOGIN_BASE_URL must be https:\/\//,
    );
    expect(problemsOf({ ...production, WECHATPAY_BASE_URL: "https://api.mch.weixin.qq.com" })).toEqual([]);
  });

  it("refuses a mchid that is not digits", () => {
    expect(problemsOf({ ...production, WECHATPAY_MCHID: "abc" })).toEqual([
      "WECHATPAY_MCHID must be the merchant number, digits only (商户平台 → 账户中心 → 商户信息), got 3 characters",
    ]);
  });

  it("refuses an appid that is not wx followed by 16 letters or digits", () => {
    for (const appid of ["abc", "wx123", "wx5c2e8a71d09f43b6aa", "xw5c2e8a71d09f43b6"]) {
      const problems = problemsOf({ ...production, WECHATPAY_APPID: appid });
      expect(problems, appid).toHaveLength(1);
      expect(problems[0], appid).toMatch(/^WECHATPAY_APPID must be the mini program's AppID/);
    }
  });

  it("refuses the documentation's sample identifiers", () => {
    const problems = problemsOf({
      ...production,
      WECHATPAY_APPID: "wx8888888888888888",
      WECHATPAY_MCHID: "1900000001",
      WECHATPAY_MERCHANT_SERIAL_NO: "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
      WECHATPAY_PUBLIC_KEY_ID: "PUB_KEY_ID_0000000000000024101100397200000006",
    });
    expect(problems).toHaveLength(4);
    for (const problem of problems) expect(problem).toContain("is the sample value from the documentation");
  });

  it("refuses a certificate given as WECHATPAY_PUBLIC_KEY_FILE, and says to use the public key or certificate mode", async () => {
    const problems = problemsOf({
      ...production,
      WECHATPAY_PUBLIC_KEY_FILE: file("platform_cert.pem", await selfSignedCertificatePem()),
    });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^WECHATPAY_PUBLIC_KEY_FILE holds a certificate/);
    expect(problems[0]).toContain("pub_key.pem");
    expect(problems[0]).toContain("WECHATPAY_PLATFORM_CERTIFICATES=download");
  });
});

describe("KASSA_METRICS_TOKEN", () => {
  it("takes a token of 32 characters or more, from the variable or its _FILE, and refuses a short one without quoting it", () => {
    const token = `${"f".repeat(8)}0123456789abcdef0123456789`;
    expect(loadConfig({ ...production, KASSA_METRICS_TOKEN: token }, dir).metricsToken).toBe(token);
    const tokenFile = file("metrics.token", `${token}\n`);
    expect(loadConfig({ ...production, KASSA_METRICS_TOKEN_FILE: tokenFile }, dir).metricsToken).toBe(token);
    expect(loadConfig(production, dir).metricsToken).toBeUndefined();
    const [problem] = problemsOf({ ...production, KASSA_METRICS_TOKEN: "letmein" });
    expect(problem).toMatch(
      /^KASSA_METRICS_TOKEN must be at least 32 characters .* \(it has 7\); make one with: openssl rand -hex 32$/,
    );
    expect(problem).not.toContain("letmein");
  });
});
