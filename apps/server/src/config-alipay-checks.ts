import { createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import {
  ALIPAY_ERROR_CODES,
  AlipayError,
  certificateSn,
  loadAlipayPublicKey,
  loadAppPrivateKey,
  rootCertificateSn,
} from "@kassa/alipay";

/**
 * The checks config-alipay.ts runs on an app's Alipay keys and certificates (reference A.3,
 * "Public-key mode vs certificate mode"), through the same loaders the client uses, so a key
 * Kassa starts with is a key the client takes. Each returns the problem's text, or undefined;
 * the caller puts the variable's name in front. No key is ever quoted.
 */

const KEY_TOOL =
  "Alipay's key tool (支付宝开放平台密钥工具) writes the app private key as bare Base64 PKCS#8, which is accepted as it is, as is a PEM key";

/** The package's own detail after its headline ("The Alipay client configuration is invalid: ..."). */
function detailOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const headline = `${ALIPAY_ERROR_CODES.CONFIG_INVALID}: `;
  return message.startsWith(headline) ? message.slice(headline.length) : message;
}

/** RSA2's key-type and size refusals from the loaders; anything else is the caller's to word. */
function rsaProblem(error: unknown): string | undefined {
  if (!(error instanceof AlipayError)) return undefined;
  const detail = detailOf(error);
  return / not RSA | bits; /.test(detail) ? `${detail} (reference A.3)` : undefined;
}

/** The app private key (应用私钥), and its public half for the checks that follow. */
export function checkAppPrivateKey(text: string): { key?: KeyObject; problem?: string } {
  if (text.includes("BEGIN CERTIFICATE"))
    return {
      problem:
        "holds a certificate (appCertPublicKey_<appid>.crt?), not the app private key (应用私钥): give the private key Alipay's key tool made",
    };
  if (/BEGIN [A-Z ]*PUBLIC KEY/.test(text))
    return {
      problem:
        "holds a public key (应用公钥?), not the app private key (应用私钥): give the private key Alipay's key tool made",
    };
  if (text.includes("ENCRYPTED PRIVATE KEY"))
    return { problem: `is an encrypted private key: give the unencrypted one; ${KEY_TOOL}` };
  try {
    return { key: createPublicKey(loadAppPrivateKey(text)) };
  } catch (error) {
    const rsa = rsaProblem(error);
    if (rsa) return { problem: `is not usable: ${rsa}` };
    return {
      problem: `is not a readable private key: ${KEY_TOOL}; a PKCS#1 key (the tool's PKCS1 format) must keep its -----BEGIN RSA PRIVATE KEY----- lines`,
    };
  }
}

/** Key mode: the "Alipay public key" (支付宝公钥), never the app's own public key. */
export function checkAlipayPublicKey(text: string, appPublicKey: KeyObject | undefined): string | undefined {
  if (text.includes("BEGIN CERTIFICATE"))
    return "holds a certificate: in key mode give the Alipay public key (支付宝公钥, 开放平台 → 应用 → 开发设置 → 接口加签方式); with certificates, use certificate mode instead";
  if (text.includes("PRIVATE KEY"))
    return "holds a private key: give the Alipay public key (支付宝公钥), which Alipay shows next to the app's key (开放平台 → 应用 → 开发设置 → 接口加签方式)";
  let key: KeyObject;
  try {
    key = loadAlipayPublicKey(text);
  } catch (error) {
    return (
      rsaProblem(error) ??
      "is not a readable public key: give the Alipay public key (支付宝公钥) as Alipay shows it (bare Base64) or as a PEM public key"
    );
  }
  if (appPublicKey && key.equals(appPublicKey))
    return "is the app's own public key (应用公钥), not the Alipay public key (支付宝公钥) that Alipay shows next to it: Alipay signs with its own key";
  return undefined;
}

/** Certificate mode: an app certificate for the app private key, or Alipay's public certificate. */
export function checkCertificate(
  text: string,
  role: "app" | "alipay",
  appPublicKey: KeyObject | undefined,
): string | undefined {
  const file = role === "app" ? "appCertPublicKey_<appid>.crt" : "alipayCertPublicKey_RSA2.crt";
  if (text.includes("PRIVATE KEY"))
    return `holds a private key, not a certificate: give ${file} (开放平台 → 应用 → 开发设置 → 接口加签方式 → 证书)`;
  let key: KeyObject;
  try {
    certificateSn(text); // a readable first certificate, whose SN goes with every request (A.3)
    key = role === "alipay" ? loadAlipayPublicKey(text) : new X509Certificate(text).publicKey;
  } catch (error) {
    return `is not usable as ${file}: ${rsaProblem(error) ?? detailOf(error)}`;
  }
  if (key.asymmetricKeyType !== "rsa")
    return `holds a ${key.asymmetricKeyType} key, not RSA: give ${file} (sign_type RSA2, reference A.3)`;
  if (!appPublicKey) return undefined;
  const ownKey = key.equals(appPublicKey);
  if (role === "app" && !ownKey)
    return "is not the certificate of the app private key: give the appCertPublicKey_<appid>.crt Alipay issued for that key (Alipay would refuse every request's signature)";
  if (role === "alipay" && ownKey)
    return "is the app's own certificate (appCertPublicKey_<appid>.crt), not Alipay's public certificate (alipayCertPublicKey_RSA2.crt)";
  // The first certificate is the one read (certificateSn): a root's would verify nothing Alipay signs.
  const first = new X509Certificate(text);
  if (first.issuer === first.subject)
    return `begins with a self-signed root certificate: give ${file}, whose first certificate is ${role === "app" ? "the app's" : "Alipay's"} own (the root bundle is alipayRootCert.crt)`;
  return undefined;
}

/** Certificate mode: Alipay's root bundle, whose RSA certificates make alipay_root_cert_sn. */
export function checkRootCertificate(text: string): string | undefined {
  if (text.includes("PRIVATE KEY"))
    return "holds a private key, not a certificate: give alipayRootCert.crt, downloaded with the app's certificates";
  try {
    rootCertificateSn(text);
    return undefined;
  } catch (error) {
    return `is not usable as alipayRootCert.crt: ${detailOf(error)}`;
  }
}
