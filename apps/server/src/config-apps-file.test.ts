import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.ts";

/**
 * KASSA_APPS_FILE (issue 8 §1): several apps and merchants from one file, every secret as a
 * path to its own file, each entry checked as strictly as the WECHATPAY_* variables are, and
 * every problem told in the file's own words.
 */
const dir = mkdtempSync(join(tmpdir(), "kassa-apps-file-"));
mkdirSync(join(dir, "secrets"));
function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const pem = (type: "private" | "public") => {
  const pair = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  return type === "private" ? pair.privateKey : pair.publicKey;
};
// Random-looking values of the right shapes; none of them appears in any documentation.
write("secrets/shop_key.pem", pem("private"));
write("secrets/cafe_key.pem", pem("private"));
write("secrets/wechatpay_pub.pem", pem("public"));
write("secrets/shop_apiv3", "Qm7vT2kXe9LrW4pZc8NyB3hJd6FsG1uA\n");
write("secrets/cafe_apiv3", "Lp3xR8vN2qW6tY1zK9mB4cF7hJ5dS0gE");
write("secrets/shop_app_secret", "7e0c93fa18d2b4e65a09c7d31f8e2b46");
write("secrets/cafe_app_secret", "c41d8e2a90b7f3651e0d4c9a27b8f5e3");
write("secrets/empty", "");

const merchant = (mchid: string, name: string) => ({
  wechatpay: {
    mchid,
    merchantSerialNo: "3A91C07E5D24B8F16E0A9D3C72B58E41F06D2A97",
    merchantPrivateKeyFile: `secrets/${name}_key.pem`,
    apiV3KeyFile: `secrets/${name}_apiv3`,
    publicKeyId: "PUB_KEY_ID_0116839204752025061800481300000317",
    publicKeyFile: "secrets/wechatpay_pub.pem",
  },
});
const twoApps = {
  defaultApp: "app_shop",
  merchants: { mch_shop: merchant("1683920475", "shop"), mch_cafe: merchant("1683920476", "cafe") },
  apps: {
    app_shop: {
      merchant: "mch_shop",
      wechat: { appid: "wx5c2e8a71d09f43b6", appSecretFile: "secrets/shop_app_secret" },
    },
    app_cafe: {
      merchant: "mch_cafe",
      wechat: { appid: "wx9d14b6e2a07c35f8", appSecretFile: "secrets/cafe_app_secret" },
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
  const text = typeof content === "string" ? content : JSON.stringify(content, null, 2);
  return { ...production, KASSA_APPS_FILE: write(`apps-${files}.json`, text) };
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
/** The file with one change made at a path, e.g. `apps.app_cafe.wechat.appid`. */
function changed(path: string, value: unknown): unknown {
  const copy = structuredClone(twoApps) as Record<string, unknown>;
  const keys = path.split(".");
  let at = copy;
  for (const key of keys.slice(0, -1)) at = at[key] as Record<string, unknown>;
  const last = keys.at(-1) as string;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return copy;
}

describe("KASSA_APPS_FILE", () => {
  it("serves each app with its own merchant's credentials, read from files beside the apps file", () => {
    const config = loadConfig(withFile(twoApps), dir);
    expect(config.defaultAppId).toBe("app_shop");
    expect(
      config.apps.map((app) => [app.id, app.merchantId, app.wechatpay?.appid, app.wechatpay?.mchid]),
    ).toEqual([
      ["app_shop", "mch_shop", "wx5c2e8a71d09f43b6", "1683920475"],
      ["app_cafe", "mch_cafe", "wx9d14b6e2a07c35f8", "1683920476"],
    ]);
    const cafe = config.apps[1]?.wechatpay;
    expect(cafe?.apiV3Key).toBe("Lp3xR8vN2qW6tY1zK9mB4cF7hJ5dS0gE");
    expect(cafe?.appSecret).toBe("c41d8e2a90b7f3651e0d4c9a27b8f5e3");
    expect(config.apps[0]?.wechatpay?.apiV3Key).toBe("Qm7vT2kXe9LrW4pZc8NyB3hJd6FsG1uA"); // trimmed
    expect(cafe?.merchantPrivateKeyPem).toContain("BEGIN PRIVATE KEY");
  });

  it("gives each app its own webhookDomains, none when left out, and refuses what is not a host", () => {
    const config = loadConfig(withFile(changed("apps.app_cafe.webhookDomains", ["hooks.cafe.example"])), dir);
    expect(config.apps.map((app) => app.webhookDomains)).toEqual([[], ["hooks.cafe.example"]]);
    expect(problemsOf(withFile(changed("apps.app_cafe.webhookDomains", "hooks.cafe.example")))).toEqual([
      expect.stringMatching(/apps\.app_cafe\.webhookDomains must be a list of host names/),
    ]);
    expect(problemsOf(withFile(changed("apps.app_cafe.webhookDomains", ["http://x.example"])))[0]).toMatch(
      /apps\.app_cafe\.webhookDomains lists "http:\/\/x\.example", which is not a host name/,
    );
    expect(problemsOf({ ...withFile(twoApps), KASSA_WEBHOOK_DOMAINS: "a.example" })[0]).toMatch(
      /KASSA_WEBHOOK_DOMAINS is set with KASSA_APPS_FILE/,
    );
  });

  it("takes one app without defaultApp", () => {
    const one = { merchants: twoApps.merchants, apps: { app_shop: twoApps.apps.app_shop } };
    expect(loadConfig(withFile(one), dir).defaultAppId).toBe("app_shop");
  });

  it("refuses a secret written into the file, and names the field that takes its path", () => {
    const problems = problemsOf(
      withFile(changed("apps.app_cafe.wechat.appSecret", "c41d8e2a90b7f3651e0d4c9a27b8f5e3")),
    );
    expect(problems).toContain(
      "KASSA_APPS_FILE: apps.app_cafe.wechat.appSecret is a secret written into the file; write appSecretFile, the path of a file that holds it (the apps file holds no secret)",
    );
    expect(problems.join("\n")).not.toContain("c41d8e2a90b7f3651e0d4c9a27b8f5e3");
  });

  it("tells each field's problem at its place in the file, not as a variable", () => {
    const problems = problemsOf(withFile(changed("apps.app_cafe.wechat.appid", "wx123")));
    expect(problems).toEqual([
      "KASSA_APPS_FILE: apps.app_cafe.wechat.appid must be the mini program's AppID, wx followed by 16 letters or digits (微信公众平台 → 开发管理 → 开发设置), got 5 characters",
    ]);
  });

  it("says a missing secret file's path once, even when two apps share the merchant", () => {
    const shared = changed("apps.app_cafe.merchant", "mch_shop") as typeof twoApps;
    shared.merchants.mch_shop.wechatpay.apiV3KeyFile = "secrets/missing";
    const problems = problemsOf(withFile(shared));
    expect(problems).toEqual([
      `KASSA_APPS_FILE: merchants.mch_shop.wechatpay.apiV3KeyFile: cannot read the file ${join(dir, "secrets/missing")} (ENOENT)`,
    ]);
  });

  it("refuses an empty secret file, and a missing one", () => {
    expect(
      problemsOf(withFile(changed("merchants.mch_cafe.wechatpay.apiV3KeyFile", "secrets/empty"))),
    ).toEqual(["KASSA_APPS_FILE: merchants.mch_cafe.wechatpay.apiV3KeyFile names an empty file"]);
    expect(problemsOf(withFile(changed("apps.app_shop.wechat.appSecretFile", undefined)))).toEqual([
      "KASSA_APPS_FILE: apps.app_shop.wechat.appSecretFile is required",
    ]);
  });

  it("refuses a typo'd field, an unknown merchant, a bad app id and the same mini program twice", () => {
    const file = structuredClone(twoApps);
    const apps: Record<string, unknown> = file.apps;
    apps.app_shop = { merchant: "mch_shop", wechat: { appid: "wx5c2e8a71d09f43b6", appSecretFil: "x" } };
    apps["app-Cafe"] = { merchant: "mch_cafe", wechat: twoApps.apps.app_cafe.wechat };
    apps.app_tea = { merchant: "mch_tea", wechat: twoApps.apps.app_cafe.wechat };
    const problems = problemsOf(withFile(file));
    expect(problems).toEqual(
      expect.arrayContaining([
        "KASSA_APPS_FILE: apps.app_shop.wechat.appSecretFil is not a known field (known: appid, appSecretFile, loginBaseUrl)",
        "KASSA_APPS_FILE: apps.app_shop.wechat.appSecretFile is required",
        "KASSA_APPS_FILE: apps.app-Cafe is not an app id: write app_ and 1-28 of a-z, 0-9, _",
        "KASSA_APPS_FILE: apps.app-Cafe.wechat.appid is the same mini program as apps.app_cafe; list it once",
        "KASSA_APPS_FILE: apps.app_tea.merchant must name one of merchants (mch_shop, mch_cafe)",
      ]),
    );
  });

  it("needs defaultApp with several apps, and it must name one of them", () => {
    expect(problemsOf(withFile(changed("defaultApp", undefined)))).toEqual([
      "KASSA_APPS_FILE: defaultApp is required with several apps: it serves logins and notifications that name no app (those of earlier versions)",
    ]);
    expect(problemsOf(withFile(changed("defaultApp", "app_tea")))).toEqual([
      "KASSA_APPS_FILE: defaultApp must name one of apps (app_shop, app_cafe)",
    ]);
  });

  it("says where the file is wrong when it is not JSON or cannot be read", () => {
    const [notJson] = problemsOf(withFile("{ apps: }"));
    expect(notJson).toMatch(
      /^KASSA_APPS_FILE: .*apps-\d+\.json is not valid JSON \(.+\); see docs\/configuration\.md/,
    );
    expect(problemsOf({ ...production, KASSA_APPS_FILE: join(dir, "nowhere.json") })).toEqual([
      `KASSA_APPS_FILE: cannot read the file ${join(dir, "nowhere.json")} (ENOENT)`,
    ]);
  });

  it("is one place for the apps: WECHATPAY_* variables beside it are refused", () => {
    const problems = problemsOf({ ...withFile(twoApps), WECHATPAY_MCHID: "1683920475" });
    expect(problems).toEqual([
      "KASSA_APPS_FILE is set, and so is WECHATPAY_MCHID: give the apps in one place, the file (unset the variables)",
    ]);
  });

  it("takes the shape of docs/configuration.md's example, whose sample identifiers are refused", () => {
    const doc = readFileSync(join(import.meta.dirname, "../../../docs/configuration.md"), "utf8");
    const example = /## Several apps[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)?.[1] as string;
    const folder = mkdtempSync(join(tmpdir(), "kassa-apps-doc-"));
    const parsed = JSON.parse(example) as typeof twoApps;
    const secretsOf = (entry: Record<string, string>) =>
      Object.entries(entry).filter(([field]) => field.endsWith("File"));
    const realFiles: Record<string, string> = {
      merchantPrivateKeyFile: pem("private"),
      publicKeyFile: pem("public"),
      apiV3KeyFile: "Qm7vT2kXe9LrW4pZc8NyB3hJd6FsG1uA",
      appSecretFile: "7e0c93fa18d2b4e65a09c7d31f8e2b46",
    };
    for (const entry of [
      ...Object.values(parsed.merchants).map((merchant) => merchant.wechatpay),
      ...Object.values(parsed.apps).map((app) => app.wechat),
    ]) {
      for (const [field, path] of secretsOf(entry)) {
        mkdirSync(dirname(join(folder, path)), { recursive: true });
        writeFileSync(join(folder, path), realFiles[field] as string);
      }
    }
    writeFileSync(join(folder, "apps.json"), example);
    const problems = problemsOf({ ...production, KASSA_APPS_FILE: join(folder, "apps.json") });
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems)
      expect(problem).toMatch(/is the sample value from the documentation; set your own$/);
  });

  it("is for production: demo mode pays through the simulator", () => {
    expect(
      problemsOf({ KASSA_MODE: "demo", KASSA_APPS_FILE: withFile(twoApps).KASSA_APPS_FILE as string }),
    ).toEqual([
      "KASSA_APPS_FILE is read in production only: demo mode serves one app, paid through the built-in simulator",
    ]);
  });
});
