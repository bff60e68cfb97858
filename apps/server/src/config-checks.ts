import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { isIP } from "node:net";

/**
 * The checks config.ts runs on single values: keys that must parse, secrets that must not
 * be samples, proxy addresses. Each returns the problem's text, or undefined; config.ts puts
 * the variable's name in front and lists every problem at once. No value is ever quoted.
 */

/** An IP address, a CIDR (not /0, which is every address), or a proxy-addr name. */
export function isProxyAddress(entry: string): boolean {
  if (["loopback", "linklocal", "uniquelocal"].includes(entry)) return true;
  const [address = "", prefix, extra] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits >= 1 && bits <= (family === 4 ? 32 : 128);
}

/** The documentation's samples (README.md, the reference): real but never anyone's own. */
export const DOCUMENTED_IDENTIFIERS: Readonly<Record<string, readonly string[]>> = {
  // docs/configuration.md's KASSA_APPS_FILE example adds its own (wx...0001, 1600000001, ...).
  WECHATPAY_APPID: ["wx8888888888888888", "wx0000000000000001", "wx0000000000000002"],
  WECHATPAY_MCHID: ["1900000001", "1900007291", "1234567891", "1600000001"],
  WECHATPAY_MERCHANT_SERIAL_NO: [
    "5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
    "408B07E79B8269FEC3D5D3E6AB8ED163A6A380DB",
    "5F1C72E2A8931B72A2E13AF8DEE92471EB397115",
    "0123456789ABCDEF0123456789ABCDEF01234567",
  ],
  WECHATPAY_PUBLIC_KEY_ID: [
    "PUB_KEY_ID_0000000000000024101100397200000006",
    "PUB_KEY_ID_0000000000000000000000000000000001",
  ],
  // Alipay's open-platform samples, docs/alipay-client.md's, and docs/configuration.md's.
  ALIPAY_APP_ID: ["2014072300007148", "2021000000000001", "2021000000000002", "2021000000000003"],
  ALIPAY_SELLER_ID: ["2088102146225135", "2088000000000001"],
};

/** The PEM label of a file's first block, e.g. "PRIVATE KEY" or "CERTIFICATE". */
function pemLabel(pem: string): string | undefined {
  return /-----BEGIN ([A-Z0-9 ]+)-----/.exec(pem)?.[1];
}

/** §2: requests are signed with SHA256withRSA by the RSA-2048 key apiclient_key.pem. */
export function checkPrivateKeyPem(pem: string): string | undefined {
  if (pemLabel(pem) === "CERTIFICATE") {
    return "holds a certificate (apiclient_cert.pem?), not the merchant private key: give apiclient_key.pem";
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch (error) {
    const encrypted = pemLabel(pem) === "ENCRYPTED PRIVATE KEY" || /passphrase/i.test(String(error));
    return encrypted
      ? "is an encrypted private key: give the unencrypted apiclient_key.pem from the merchant API certificate tool"
      : "is not a readable PEM private key: give apiclient_key.pem from the merchant API certificate tool (商户平台 → 账户中心 → API安全)";
  }
  return rsa2048Problem(key);
}

/** apiclient_cert.pem: the merchant API certificate whose serial goes in serial_no (§2). */
export function checkCertificatePem(pem: string): string | undefined {
  if (pemLabel(pem)?.includes("PRIVATE KEY"))
    return "holds a private key (apiclient_key.pem?), not the merchant API certificate: give apiclient_cert.pem";
  try {
    new X509Certificate(pem);
  } catch {
    return "is not a readable PEM certificate: give apiclient_cert.pem from the merchant API certificate tool";
  }
  return undefined;
}

/** §4.2: the APIv3 key is used as 32 raw bytes; anything else fails every decryption later. */
export function apiV3KeyProblem(key: string): string | undefined {
  const bytes = Buffer.byteLength(key, "utf8");
  return bytes === 32
    ? undefined
    : `must be exactly 32 bytes (the 32-character APIv3 key set at 商户平台 → 账户中心 → API安全), got ${bytes}`;
}

/** §3.4: the public key's id is opaque; it is recognised by its prefix, as gopay does. */
export function publicKeyIdProblem(id: string): string | undefined {
  return id.startsWith("PUB_KEY_ID_")
    ? undefined
    : "must start with PUB_KEY_ID_ (商户平台 → 账户中心 → API安全)";
}

/**
 * §3.4, public-key mode: the WeChat Pay public key is an SPKI PEM (pub_key.pem), not a
 * certificate: a certificate is the merchant's own or a platform certificate, whose serial
 * would never match the PUB_KEY_ID_ that WeChat Pay signs with.
 */
export function checkPublicKeyPem(pem: string): string | undefined {
  const label = pemLabel(pem);
  if (label === "CERTIFICATE") {
    return "holds a certificate, not the WeChat Pay public key: download the public key (pub_key.pem) from 商户平台 → 账户中心 → API安全 → 微信支付公钥, or use certificate mode (WECHATPAY_PLATFORM_CERTIFICATES=download, without WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY_FILE)";
  }
  if (label?.includes("PRIVATE KEY")) {
    return "holds a private key (apiclient_key.pem?): give the WeChat Pay public key pub_key.pem from 商户平台 → 账户中心 → API安全 → 微信支付公钥";
  }
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return "is not a readable PEM public key: give pub_key.pem from 商户平台 → 账户中心 → API安全 → 微信支付公钥";
  }
  return rsa2048Problem(key);
}

function rsa2048Problem(key: KeyObject): string | undefined {
  if (key.asymmetricKeyType !== "rsa") {
    return `is not an RSA key (it is ${key.asymmetricKeyType}): WeChat Pay v3 uses RSA-2048 keys (reference §2)`;
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  return bits < 2048 ? `has ${bits} bits: WeChat Pay v3 uses RSA-2048 keys (reference §2)` : undefined;
}

/**
 * Values copied from the documentation (README.md and reference §2, §9) that have the
 * shape of a secret. Compared case-insensitively.
 */
const DOCUMENTED_SECRETS = new Set(
  [
    "5K8264ILTKCH16CQ2502SI8ZNMTM67VS",
    "593BEC0C930BF1AFEB40B4A08C8FB242",
    "Dl56FrqWQJF1t9LtC3vEUsniZKvbqdR8",
    "testAPIv3Key0000",
    "testMchAPIv3Key0",
    "API_V3_KEY",
    "secret",
  ].map((value) => value.toLowerCase()),
);

/**
 * Words that mark a sample. Each is long or anchored enough that a random 32-character key
 * contains it by chance about once in 30,000 keys or less; "xxx" only counts at an end, next
 * to a separator, or as four x's (inside a random key it would trip one key in a thousand).
 */
const PLACEHOLDER_WORDS = ["changeme", "change-me", "change_me", "example", "sample", "placeholder", "test"];

/** Why a secret looks like a sample, or undefined. Never quotes the value. */
export function placeholderReason(value: string): string | undefined {
  const lower = value.toLowerCase();
  if (DOCUMENTED_SECRETS.has(lower)) return "it is a sample value from the documentation";
  if (/^(.)\1*$/.test(value)) return "it is one character repeated";
  if (/^(.{2,4})\1+.{0,3}$/.test(value)) return "it is a short pattern repeated";
  if (lower.startsWith("your_") || lower.startsWith("your-")) return "it starts with your_";
  const word = PLACEHOLDER_WORDS.find((candidate) => lower.includes(candidate));
  if (word) return `it contains "${word}"`;
  if (/(^|[^a-z0-9])xxx|xxx($|[^a-z0-9])|xxxx/.test(lower)) return 'it contains "xxx"';
  if (longestRun(value) >= 8) return "it holds a run of consecutive characters like 12345678";
  return undefined;
}

/** The longest run of characters that each follow the previous one up or down (9→0 wraps). */
function longestRun(value: string): number {
  let longest = 1;
  for (const step of [1, -1]) {
    let run = 1;
    for (let i = 1; i < value.length; i += 1) {
      const previous = value.charCodeAt(i - 1);
      const current = value.charCodeAt(i);
      const digits = isDigit(previous) && isDigit(current);
      const follows = digits
        ? (previous - 48 + step + 10) % 10 === current - 48
        : current - previous === step && isLetter(previous) && isLetter(current);
      run = follows ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
  }
  return longest;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isLetter(code: number): boolean {
  return (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
}
