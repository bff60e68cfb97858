import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { AppConfig } from "./config.ts";
import { readAlipay } from "./config-alipay.ts";
import { EnvReader } from "./config-reader.ts";
import { checkWebhookDomains } from "./config-webhooks.ts";
import { readWechatPay } from "./config-wechatpay.ts";
import { APP_ID_PATTERN } from "./domain/ids.ts";

/**
 * KASSA_APPS_FILE: several apps (mini programs) and their merchants in one deployment
 * (issue 8 §1). A JSON file, so it needs no parser of its own; every secret in it is a path
 * to a file (relative paths are from the apps file's folder), so the file itself can be
 * kept in version control and read by people who must not see the keys.
 *
 *   {
 *     "defaultApp": "app_shop",
 *     "merchants": { "mch_shop": { "wechatpay": { "mchid": "...", "merchantSerialNo": "...",
 *       "merchantPrivateKeyFile": "...", "apiV3KeyFile": "...", "publicKeyId": "...", "publicKeyFile": "..." } } },
 *     "apps": { "app_shop": { "merchant": "mch_shop", "wechat": { "appid": "wx...", "appSecretFile": "..." },
 *       "alipay": { "appId": "...", "sellerId": "2088...", "appPrivateKeyFile": "...", "alipayPublicKeyFile": "..." } } }
 *   }
 *
 * An app's Alipay account is the app's own, not its merchant's: in Alipay the keys belong to
 * the app id (reference A.3).
 *
 * Each entry is read by the same checks as the environment's WECHATPAY_* variables: the
 * entry's fields are given those names, and every problem is told back in the file's own
 * words (`apps.app_shop.wechat.appid ...`).
 */
const MERCHANT_FIELDS: Readonly<Record<string, string>> = {
  mchid: "WECHATPAY_MCHID",
  merchantSerialNo: "WECHATPAY_MERCHANT_SERIAL_NO",
  merchantPrivateKeyFile: "WECHATPAY_MERCHANT_PRIVATE_KEY_FILE",
  merchantCertificateFile: "WECHATPAY_MERCHANT_CERTIFICATE_FILE",
  apiV3KeyFile: "WECHATPAY_APIV3_KEY_FILE",
  publicKeyId: "WECHATPAY_PUBLIC_KEY_ID",
  publicKeyFile: "WECHATPAY_PUBLIC_KEY_FILE",
  platformCertificates: "WECHATPAY_PLATFORM_CERTIFICATES",
  baseUrl: "WECHATPAY_BASE_URL",
};
const APP_FIELDS: Readonly<Record<string, string>> = {
  appid: "WECHATPAY_APPID",
  appSecretFile: "WECHATPAY_APP_SECRET_FILE",
  loginBaseUrl: "WECHAT_LOGIN_BASE_URL",
};
/** An app's `alipay` entry, read by config-alipay.ts under the ALIPAY_* names. */
const ALIPAY_FIELDS: Readonly<Record<string, string>> = {
  appId: "ALIPAY_APP_ID",
  sellerId: "ALIPAY_SELLER_ID",
  appPrivateKeyFile: "ALIPAY_APP_PRIVATE_KEY_FILE",
  alipayPublicKeyFile: "ALIPAY_PUBLIC_KEY_FILE",
  appCertFile: "ALIPAY_APP_CERT_FILE",
  alipayPublicCertFile: "ALIPAY_PUBLIC_CERT_FILE",
  alipayRootCertFile: "ALIPAY_ROOT_CERT_FILE",
  gatewayUrl: "ALIPAY_GATEWAY_URL",
};
/** Fields holding a path, resolved from the apps file's folder. */
const PATH_FIELDS = new Set([
  "merchantPrivateKeyFile",
  "merchantCertificateFile",
  "apiV3KeyFile",
  "publicKeyFile",
  "appSecretFile",
  "appPrivateKeyFile",
  "alipayPublicKeyFile",
  "appCertFile",
  "alipayPublicCertFile",
  "alipayRootCertFile",
]);
/** What a secret written inline would be called, and the field that takes its path instead. */
const INLINE_SECRETS: Readonly<Record<string, string>> = {
  merchantPrivateKey: "merchantPrivateKeyFile",
  privateKey: "merchantPrivateKeyFile",
  apiV3Key: "apiV3KeyFile",
  publicKey: "publicKeyFile",
  appSecret: "appSecretFile",
};
/** The same, in an app's `alipay` entry. */
const ALIPAY_INLINE_SECRETS: Readonly<Record<string, string>> = {
  appPrivateKey: "appPrivateKeyFile",
  privateKey: "appPrivateKeyFile",
};

const APP_ID = new RegExp(APP_ID_PATTERN);
const MERCHANT_ID = /^mch_[0-9a-z_]{1,28}$/;

export function readAppsFile(
  name: string,
  path: string,
  problems: string[],
): { apps: AppConfig[]; defaultAppId: string } {
  const none = { apps: [], defaultAppId: "" };
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    problems.push(
      code
        ? `${name}: cannot read the file ${path} (${code})`
        : `${name}: ${path} is not valid JSON (${(error as Error).message}); see docs/configuration.md for its shape`,
    );
    return none;
  }
  const file = new FileProblems(name, problems);
  const top = file.object(parsed, "", ["defaultApp", "merchants", "apps"]);
  const merchants = file.object(top?.merchants, "merchants", undefined);
  const apps = file.object(top?.apps, "apps", undefined);
  if (!merchants || !apps) return none;
  const appIds = Object.keys(apps);
  if (appIds.length === 0) file.problem("apps", "lists no app; give at least one");

  const folder = dirname(path);
  const configured: AppConfig[] = [];
  for (const appId of appIds) {
    const at = `apps.${appId}`;
    if (!APP_ID.test(appId)) file.problem(at, "is not an app id: write app_ and 1-28 of a-z, 0-9, _");
    const app = file.object(apps[appId], at, ["merchant", "wechat", "alipay", "name", "webhookDomains"]);
    if (!app) continue;
    const alipay = app.alipay === undefined ? undefined : readAppAlipay(file, app.alipay, at, folder);
    const merchantId = typeof app.merchant === "string" ? app.merchant : "";
    const merchant = merchants[merchantId];
    if (!merchantId || merchant === undefined) {
      file.problem(
        `${at}.merchant`,
        `must name one of merchants (${Object.keys(merchants).join(", ") || "none listed"})`,
      );
      continue;
    }
    if (!MERCHANT_ID.test(merchantId))
      file.problem(`merchants.${merchantId}`, "is not a merchant id: write mch_ and 1-28 of a-z, 0-9, _");
    const merchantEntry = file.object(merchant, `merchants.${merchantId}`, ["wechatpay", "name"]);
    // WeChat Pay, Alipay or both (issue 14): WeChat Pay is the app's `wechat` entry over its
    // merchant's `wechatpay` account; an app without `wechat` does not take WeChat Pay.
    if (app.wechat === undefined && app.alipay === undefined) {
      file.problem(
        at,
        "has no payment channel: give wechat (WeChat Pay, with its merchant's wechatpay entry), alipay (Alipay), or both",
      );
      continue;
    }
    const wechatpay =
      app.wechat === undefined
        ? undefined
        : readAppWechatPay(file, app.wechat, merchantEntry, at, merchantId, folder);
    if (app.wechat !== undefined && !wechatpay) continue;
    configured.push({
      id: appId,
      merchantId,
      ...(wechatpay ? { wechatpay } : {}),
      ...(alipay ? { alipay } : {}),
      webhookDomains: file.domains(app.webhookDomains, at),
    });
  }

  // One mini program, one entry: a WeChat appid or an Alipay app id names it (A.4 check d).
  refuseListedTwice(file, configured, (app) => app.wechatpay?.appid, "wechat.appid", "mini program");
  refuseListedTwice(file, configured, (app) => app.alipay?.appId, "alipay.appId", "Alipay app");
  let defaultAppId = appIds[0] ?? "";
  if (top?.defaultApp !== undefined) {
    if (typeof top.defaultApp === "string" && appIds.includes(top.defaultApp)) defaultAppId = top.defaultApp;
    else file.problem("defaultApp", `must name one of apps (${appIds.join(", ")})`);
  } else if (appIds.length > 1) {
    file.problem(
      "defaultApp",
      "is required with several apps: it serves logins and notifications that name no app (those of earlier versions)",
    );
  }
  return { apps: configured, defaultAppId };
}

/**
 * An app's `wechat` entry and its merchant's `wechatpay` account through readWechatPay, the
 * problems told at the entries' fields. Undefined when an entry is not there to read.
 */
function readAppWechatPay(
  file: FileProblems,
  wechat: unknown,
  merchantEntry: Record<string, unknown> | undefined,
  at: string,
  merchantId: string,
  folder: string,
): AppConfig["wechatpay"] | undefined {
  const merchantAt = `merchants.${merchantId}.wechatpay`;
  if (merchantEntry && merchantEntry.wechatpay === undefined) {
    file.problem(
      merchantAt,
      `is required: ${at}.wechat takes WeChat Pay through its merchant's account (give the merchant's wechatpay entry, or leave wechat out for an app without WeChat Pay)`,
    );
    return undefined;
  }
  const merchantFields = file.fields(merchantEntry?.wechatpay, merchantAt, MERCHANT_FIELDS);
  const appFields = file.fields(wechat, `${at}.wechat`, APP_FIELDS);
  if (!merchantFields || !appFields) return undefined;
  return readAsEnvironment(
    file,
    [
      { fields: merchantFields, table: MERCHANT_FIELDS, at: merchantAt },
      { fields: appFields, table: APP_FIELDS, at: `${at}.wechat` },
    ],
    folder,
    readWechatPay,
  ).value;
}

/**
 * An app's `alipay` entry through readAlipay, its problems told at the entry's fields. An
 * entry that is there says the app takes Alipay, so an empty one is a problem, not "no Alipay".
 */
function readAppAlipay(
  file: FileProblems,
  value: unknown,
  at: string,
  folder: string,
): AppConfig["alipay"] | undefined {
  const prefix = `${at}.alipay`;
  const fields = file.fields(value, prefix, ALIPAY_FIELDS, ALIPAY_INLINE_SECRETS);
  if (!fields) return undefined;
  const { value: alipay, problems } = readAsEnvironment(
    file,
    [{ fields, table: ALIPAY_FIELDS, at: prefix }],
    folder,
    readAlipay,
  );
  if (!alipay && problems === 0)
    file.problem(
      prefix,
      `is empty: give ${Object.keys(ALIPAY_FIELDS).slice(0, 4).join(", ")} (or the three certificate files), or leave alipay out for an app without Alipay`,
    );
  return alipay;
}

/**
 * Entries of the file read by the reader of the environment's variables (config-wechatpay.ts,
 * config-alipay.ts), so both places are checked alike: each field takes its variable's name
 * (paths resolved from the file's folder), and each problem the reader finds is told back at
 * the field it came from. Answers what the reader read, and how many problems it found.
 */
function readAsEnvironment<T>(
  file: FileProblems,
  entries: readonly { fields: Record<string, string>; table: Readonly<Record<string, string>>; at: string }[],
  folder: string,
  read: (reader: EnvReader) => T,
): { value: T; problems: number } {
  const env: Record<string, string> = {};
  const labels = new Map<string, string>();
  for (const { fields, table, at } of entries) {
    for (const [field, envName] of Object.entries(table)) {
      labels.set(envName, `${at}.${field}`);
      // The reader's messages name the inline form too ("WECHATPAY_APP_SECRET looks like ...").
      labels.set(envName.replace(/_FILE$/, ""), `${at}.${field}`);
      const value = fields[field];
      if (value !== undefined) env[envName] = PATH_FIELDS.has(field) ? resolve(folder, value) : value;
    }
  }
  const own: string[] = [];
  const value = read(new EnvReader(env, own, { filesOnly: true }));
  for (const problem of own)
    file.push(problem.replace(/\b(?:WECHAT|ALIPAY)[A-Z0-9_]+\b/g, (name) => labels.get(name) ?? name));
  return { value, problems: own.length };
}

function refuseListedTwice(
  file: FileProblems,
  apps: readonly AppConfig[],
  idOf: (app: AppConfig) => string | undefined,
  field: string,
  what: string,
): void {
  const seen = new Map<string, string>();
  for (const app of apps) {
    const id = idOf(app);
    if (!id) continue;
    const other = seen.get(id);
    if (other) file.problem(`apps.${app.id}.${field}`, `is the same ${what} as apps.${other}; list it once`);
    else seen.set(id, app.id);
  }
}

/** Problems of the file, each told with its place in the file. */
class FileProblems {
  constructor(
    private readonly name: string,
    private readonly problems: string[],
  ) {}

  push(text: string): void {
    const line = `${this.name}: ${text}`;
    if (!this.problems.includes(line)) this.problems.push(line); // apps sharing a merchant say it once
  }

  problem(at: string, text: string): void {
    this.push(`${at} ${text}`);
  }

  /** An object with only the known keys (a typo is a problem, not a silently missing field). */
  object(
    value: unknown,
    at: string,
    keys: readonly string[] | undefined,
    inline: Readonly<Record<string, string>> = INLINE_SECRETS,
  ): Record<string, unknown> | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.problem(at || "the file", "must be a JSON object");
      return undefined;
    }
    const entry = value as Record<string, unknown>;
    for (const key of keys ? Object.keys(entry).filter((key) => !keys.includes(key)) : []) {
      this.unknownKey(`${at ? `${at}.` : ""}${key}`, key, keys ?? [], inline);
    }
    return entry;
  }

  /** An app's `webhookDomains`: a list of host names, none when left out. */
  domains(value: unknown, at: string): string[] {
    if (value === undefined) return [];
    const domains = Array.isArray(value) ? checkWebhookDomains(value) : "must be a list of host names";
    if (typeof domains === "string") {
      this.problem(`${at}.webhookDomains`, domains);
      return [];
    }
    return domains;
  }

  /** String fields named by `table`; a secret written inline is refused, never read. */
  fields(
    value: unknown,
    at: string,
    table: Readonly<Record<string, string>>,
    inline: Readonly<Record<string, string>> = INLINE_SECRETS,
  ): Record<string, string> | undefined {
    const entry = this.object(value, at, Object.keys(table), inline);
    if (!entry) return undefined;
    const strings: Record<string, string> = {};
    for (const [key, field] of Object.entries(entry)) {
      if (!(key in table)) continue;
      if (typeof field === "string") strings[key] = field;
      else this.problem(`${at}.${key}`, "must be a string");
    }
    return strings;
  }

  private unknownKey(
    at: string,
    key: string,
    known: readonly string[],
    inline: Readonly<Record<string, string>>,
  ): void {
    const path = inline[key];
    if (path) {
      this.problem(
        at,
        `is a secret written into the file; write ${path}, the path of a file that holds it (the apps file holds no secret)`,
      );
    } else this.problem(at, `is not a known field (known: ${known.join(", ")})`);
  }
}
