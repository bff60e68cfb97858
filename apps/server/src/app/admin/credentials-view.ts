import { createHash, createPublicKey, type KeyObject, X509Certificate } from "node:crypto";
import { certificateSn, loadAlipayPublicKey, rootCertificateSn } from "@kassa/alipay";
import { normaliseSerial } from "@kassa/wechatpay";
import type { AlipayCredentials, AppConfig, WechatPayCredentials } from "../../config.ts";
import type { ExternalChannelName } from "../../domain/payment.ts";

/**
 * What the console's settings page shows of an app's channel accounts (issue 12): ids,
 * serials, fingerprints and expiry dates, read from the credentials configuration loaded —
 * never a key, a secret or a certificate's bytes. Made once at start: a fingerprint is a hash
 * of a public key, so nothing here can be turned back into anything that signs.
 */
export interface CertificateView {
  /** WeChat Pay: the serial in upper-case hex (§2); Alipay: the cert SN it names in requests (A.3). */
  serial: string;
  /** SHA-256 of the certificate's DER, colon-separated hex (`openssl x509 -fingerprint -sha256`). */
  fingerprintSha256: string;
  notAfter: string;
}

export interface WechatPayAccountView {
  appid: string;
  mchid: string;
  /** WECHATPAY_MERCHANT_SERIAL_NO: the merchant API certificate Kassa's signatures name (§2). */
  merchantSerialNo: string;
  /** apiclient_cert.pem, when configured (it is optional: Kassa signs with the key alone). */
  merchantCertificate: CertificateView | null;
  /** §3.4: WeChat Pay's public key (new merchants), or its platform certificates, downloaded. */
  verification: "public-key" | "platform-certificates";
  publicKey: { id: string; fingerprintSha256: string } | null;
  baseUrl: string;
}

export interface AlipayAccountView {
  appId: string;
  sellerId: string;
  /** A.3 接口加签方式: the Alipay public key, or the three certificates. */
  keyMode: "key" | "certificate";
  /** Key mode: the Alipay public key's SHA-256 (of its SPKI DER). */
  alipayPublicKeyFingerprintSha256: string | null;
  appCertificate: CertificateView | null;
  alipayPublicCertificate: CertificateView | null;
  /** alipay_root_cert_sn: the RSA roots' SNs joined by `_` (A.3); the bundle's earliest expiry. */
  rootCertificate: { sn: string; notAfter: string } | null;
  gatewayUrl: string;
}

export interface AppSettingsView {
  id: string;
  isDefault: boolean;
  wechatpay: WechatPayAccountView | null;
  alipay: AlipayAccountView | null;
  /** Where each channel notifies this app (§5.1: a path segment, no query string). */
  notifyUrls: Partial<Record<ExternalChannelName, string>>;
  /** KASSA_WEBHOOK_DOMAINS or the app's webhookDomains: the hosts its webhooks may go to. */
  webhookDomains: string[];
}

/** An app's accounts, read once at start; its notify URLs are added per read (the port comes later). */
export function describeApp(app: AppConfig, defaultAppId: string): Omit<AppSettingsView, "notifyUrls"> {
  return {
    id: app.id,
    isDefault: app.id === defaultAppId,
    wechatpay: app.wechatpay ? describeWechatPay(app.wechatpay) : null,
    alipay: app.alipay ? describeAlipay(app.alipay) : null,
    webhookDomains: [...app.webhookDomains],
  };
}

function describeWechatPay(credentials: WechatPayCredentials): WechatPayAccountView {
  return {
    appid: credentials.appid,
    mchid: credentials.mchid,
    merchantSerialNo: normaliseSerial(credentials.merchantSerialNo),
    merchantCertificate: credentials.merchantCertificatePem
      ? certificateView(credentials.merchantCertificatePem, (certificate) =>
          normaliseSerial(certificate.serialNumber),
        )
      : null,
    verification: credentials.publicKey ? "public-key" : "platform-certificates",
    publicKey: credentials.publicKey
      ? {
          id: credentials.publicKey.id,
          fingerprintSha256: keyFingerprint(createPublicKey(credentials.publicKey.pem)),
        }
      : null,
    baseUrl: credentials.baseUrl ?? "https://api.mch.weixin.qq.com",
  };
}

function describeAlipay(credentials: AlipayCredentials): AlipayAccountView {
  const keys = credentials.keys;
  const certificates =
    keys.mode === "certificate"
      ? {
          appCertificate: certificateView(keys.appCertPem, () => certificateSn(keys.appCertPem)),
          alipayPublicCertificate: certificateView(keys.alipayPublicCertPem, () =>
            certificateSn(keys.alipayPublicCertPem),
          ),
          rootCertificate: {
            sn: rootCertificateSn(keys.alipayRootCertPem),
            notAfter: earliestExpiry(keys.alipayRootCertPem),
          },
        }
      : { appCertificate: null, alipayPublicCertificate: null, rootCertificate: null };
  return {
    appId: credentials.appId,
    sellerId: credentials.sellerId,
    keyMode: keys.mode,
    alipayPublicKeyFingerprintSha256:
      // The key file may hold Alipay's bare Base64 form: read it as the client does.
      keys.mode === "key" ? keyFingerprint(loadAlipayPublicKey(keys.alipayPublicKeyPem)) : null,
    ...certificates,
    gatewayUrl: credentials.gatewayUrl ?? "https://openapi.alipay.com/gateway.do",
  };
}

function certificateView(pem: string, serialOf: (certificate: X509Certificate) => string): CertificateView {
  const certificate = new X509Certificate(pem);
  return {
    serial: serialOf(certificate),
    fingerprintSha256: certificate.fingerprint256,
    notAfter: new Date(Date.parse(certificate.validTo)).toISOString(),
  };
}

/** A public key's SHA-256 over its SPKI DER, colon hex as a certificate's fingerprint is written. */
function keyFingerprint(key: KeyObject): string {
  const der = key.export({ type: "spki", format: "der" });
  return colonHex(createHash("sha256").update(der).digest());
}

function colonHex(bytes: Buffer): string {
  return (bytes.toString("hex").toUpperCase().match(/../g) ?? []).join(":");
}

/** The root bundle holds several certificates: the first of them to expire is the one to watch. */
function earliestExpiry(bundlePem: string): string {
  const pems = bundlePem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  const ends = pems.map((pem) => Date.parse(new X509Certificate(pem).validTo));
  return new Date(Math.min(...ends)).toISOString();
}
