import type { KeyObject } from "node:crypto";
import type { AlipayCredentials } from "./config.ts";
import {
  checkAlipayPublicKey,
  checkAppPrivateKey,
  checkCertificate,
  checkRootCertificate,
} from "./config-alipay-checks.ts";
import type { EnvReader } from "./config-reader.ts";

const KEY_MODE = ["ALIPAY_PUBLIC_KEY_FILE"] as const;
const CERTIFICATE_MODE = [
  "ALIPAY_APP_CERT_FILE",
  "ALIPAY_PUBLIC_CERT_FILE",
  "ALIPAY_ROOT_CERT_FILE",
] as const;

/** Every ALIPAY_* variable Kassa reads; config.ts refuses any other (a typo would turn Alipay off). */
export const ALIPAY_VARIABLES: readonly string[] = [
  "ALIPAY_APP_ID",
  "ALIPAY_SELLER_ID",
  "ALIPAY_APP_PRIVATE_KEY_FILE",
  ...KEY_MODE,
  ...CERTIFICATE_MODE,
  "ALIPAY_GATEWAY_URL",
];

const MODES =
  "ALIPAY_PUBLIC_KEY_FILE (key mode: the Alipay public key, 支付宝公钥) or ALIPAY_APP_CERT_FILE, ALIPAY_PUBLIC_CERT_FILE and ALIPAY_ROOT_CERT_FILE (certificate mode), as the app's 接口加签方式 is set (开放平台 → 应用 → 开发设置)";

/**
 * One app's Alipay account, from the environment or from an app's `alipay` entry in
 * KASSA_APPS_FILE (config-apps-file.ts gives its fields these names). None of the variables
 * set: the app has no Alipay (undefined). Any set: every missing one is a problem, and every
 * key and certificate is loaded now, as the client will load it (reference A.3), so a bad one
 * stops the start instead of the first payment. Every problem is recorded; none echoes a value.
 */
export function readAlipay(read: EnvReader): AlipayCredentials | undefined {
  if (!ALIPAY_VARIABLES.some((name) => read.optional(name) !== undefined)) return undefined;
  // Identifiers are not secrets, but a swapped variable could hold one: no value is echoed.
  const appId = read.identifier(
    "ALIPAY_APP_ID",
    /^\d{16}$/,
    // A.3 `app_id`: the mini program's APPID, 16 digits (a sandbox app's too).
    () => "must be the mini program's APPID, 16 digits (支付宝开放平台 → 控制台 → 小程序 → APPID)",
  );
  const sellerId = read.identifier(
    "ALIPAY_SELLER_ID",
    /^2088\d{12}$/,
    // A.4 check c: every notification's seller_id must be the collecting account.
    () =>
      "must be the collecting account's PID, 16 digits starting 2088 (支付宝商家平台 → 账号中心); notifications are checked against it (reference A.4 check c)",
  );

  const appPrivateKeyPem = fileText(read, "ALIPAY_APP_PRIVATE_KEY_FILE");
  const privateKey = appPrivateKeyPem ? checkAppPrivateKey(appPrivateKeyPem) : {};
  read.check("ALIPAY_APP_PRIVATE_KEY_FILE", privateKey.problem);
  const appPublicKey = privateKey.key;

  const keys = readKeys(read, appPublicKey);

  const gatewayUrl = read.optional("ALIPAY_GATEWAY_URL");
  if (gatewayUrl)
    read.url(
      "ALIPAY_GATEWAY_URL",
      gatewayUrl,
      "(reference A.3: Alipay's gateway is https://openapi.alipay.com/gateway.do, its sandbox's https://openapi-sandbox.dl.alipaydev.com/gateway.do)",
      ": the common parameters go in the gateway's query string (reference A.3)",
    );
  return {
    appId,
    sellerId,
    appPrivateKeyPem,
    keys: keys ?? { mode: "key", alipayPublicKeyPem: "" },
    ...(gatewayUrl ? { gatewayUrl } : {}),
  };
}

/** Exactly one mode (A.3), and in certificate mode all three files. */
function readKeys(
  read: EnvReader,
  appPublicKey: KeyObject | undefined,
): AlipayCredentials["keys"] | undefined {
  const given = (names: readonly string[]) => names.filter((name) => read.optional(name) !== undefined);
  const keyMode = given(KEY_MODE);
  const certificateMode = given(CERTIFICATE_MODE);
  if (keyMode.length > 0 && certificateMode.length > 0) {
    read.problem(
      `ALIPAY_PUBLIC_KEY_FILE (key mode) is set, and so is ${certificateMode.join(", ")} (certificate mode): set one mode, ${MODES}`,
    );
    return undefined;
  }
  if (keyMode.length === 0 && certificateMode.length === 0) {
    read.problem(`set ${MODES}`);
    return undefined;
  }
  if (keyMode.length > 0) {
    const alipayPublicKeyPem = fileText(read, "ALIPAY_PUBLIC_KEY_FILE");
    if (alipayPublicKeyPem)
      read.check("ALIPAY_PUBLIC_KEY_FILE", checkAlipayPublicKey(alipayPublicKeyPem, appPublicKey));
    return { mode: "key", alipayPublicKeyPem };
  }
  const missing = CERTIFICATE_MODE.filter((name) => !certificateMode.includes(name));
  if (missing.length > 0)
    read.problem(
      `certificate mode needs ${missing.join(" and ")} too: ALIPAY_APP_CERT_FILE is appCertPublicKey_<appid>.crt, ALIPAY_PUBLIC_CERT_FILE alipayCertPublicKey_RSA2.crt, ALIPAY_ROOT_CERT_FILE alipayRootCert.crt (or, in key mode, set only ALIPAY_PUBLIC_KEY_FILE)`,
    );
  // The missing ones are told above, once.
  const text = (name: string) => (certificateMode.includes(name) ? fileText(read, name) : "");
  const appCertPem = text("ALIPAY_APP_CERT_FILE");
  const alipayPublicCertPem = text("ALIPAY_PUBLIC_CERT_FILE");
  const alipayRootCertPem = text("ALIPAY_ROOT_CERT_FILE");
  if (appCertPem) read.check("ALIPAY_APP_CERT_FILE", checkCertificate(appCertPem, "app", appPublicKey));
  if (alipayPublicCertPem)
    read.check("ALIPAY_PUBLIC_CERT_FILE", checkCertificate(alipayPublicCertPem, "alipay", appPublicKey));
  if (alipayRootCertPem) read.check("ALIPAY_ROOT_CERT_FILE", checkRootCertificate(alipayRootCertPem));
  return { mode: "certificate", appCertPem, alipayPublicCertPem, alipayRootCertPem };
}

/** A key or certificate file's text; unset (when required) or empty is a problem, said once. */
function fileText(read: EnvReader, name: string): string {
  const text = read.optionalFile(name);
  if (text === undefined) {
    // Unset: required here; unreadable: optionalFile said why.
    if (read.optional(name) === undefined) read.problem(`${name} is required`);
    return "";
  }
  if (!text.trim()) read.problem(`${name} names an empty file`);
  return text.trim();
}
