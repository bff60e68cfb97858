/**
 * A merchant as the simulator keeps it: the merchant's own credentials (which WeChat Pay
 * would only know the public half of, but a sandbox hands the merchant its files) and the
 * platform identity WeChat Pay uses towards this merchant (§3.4): one WeChat Pay public key
 * with its `PUB_KEY_ID_...`, and platform certificates unless the merchant is in
 * public-key mode only.
 */

export interface PlatformCertificateRecord {
  /** 40 upper-case hex characters. */
  serialNo: string;
  privateKeyPem: string;
  certificatePem: string;
  effectiveAt: number;
  /** The certificate's notAfter. */
  expireAt: number;
  /** Set by a rotation with an overlap: the certificate is withdrawn from this time on. */
  retireAt?: number;
}

export interface MerchantRecord {
  mchid: string;
  /** The mini program AppID bound to this mchid (§5.1). */
  appid: string;
  appSecret: string;
  /** 32 ASCII characters (§4.2). */
  apiV3Key: string;
  merchantName: string;
  /** The platform-configured notify URL (refunds fall back to it, §4.1). */
  notifyUrl: string;
  createdAt: number;
  /** The merchant API certificate and its key (`apiclient_cert.pem`, `apiclient_key.pem`, §2). */
  apiClient: { serialNo: string; privateKeyPem: string; certificatePem: string };
  wechatpayPublicKey: { id: string; privateKeyPem: string; publicKeyPem: string };
  /** Empty for a public-key-only merchant. */
  platformCertificates: PlatformCertificateRecord[];
}

/**
 * Certificates in force at `now`, newest first: what /v3/certificates lists (§3.4).
 * Issue order breaks ties (with a frozen clock, a rotation issues at the same instant).
 */
export function activePlatformCertificates(
  merchant: MerchantRecord,
  now: number,
): PlatformCertificateRecord[] {
  return merchant.platformCertificates
    .filter((certificate) => certificate.effectiveAt <= now && now < withdrawnAt(certificate))
    .reverse()
    .sort((a, b) => b.effectiveAt - a.effectiveAt);
}

/** When a certificate stops being listed and used: its expiry, or its retirement if earlier. */
export function withdrawnAt(certificate: PlatformCertificateRecord): number {
  return Math.min(certificate.expireAt, certificate.retireAt ?? Number.POSITIVE_INFINITY);
}
