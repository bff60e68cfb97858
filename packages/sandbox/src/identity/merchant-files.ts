import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { rfc3339Beijing } from "@kassa/wechatpay";
import { type MerchantRecord, withdrawnAt } from "./merchant-record.ts";

/**
 * The files a merchant's server loads, written to `<dataDir>/merchants/<mchid>/` with the
 * names WeChat Pay's own downloads use (docs/sandbox.md lists them). Key files are
 * readable by the owner only, as a merchant should keep them.
 */

export interface MerchantFiles {
  dir: string;
  /** Ids, secrets and serials in one JSON file. */
  merchantJson: string;
  /** The merchant API private key, PKCS#8 (§2 "Keys"). */
  privateKey: string;
  /** The merchant API certificate, whose serial goes in `serial_no` (§2). */
  certificate: string;
  /** WeChat Pay's public key for public-key mode, SPKI (§3.4). */
  wechatpayPublicKey: string;
  /** One per platform certificate ever issued to this merchant (certificate mode, §3.4). */
  platformCertificates: string[];
}

export function merchantFilePaths(dataDir: string, merchant: MerchantRecord): MerchantFiles {
  const dir = join(dataDir, "merchants", merchant.mchid);
  return {
    dir,
    merchantJson: join(dir, "merchant.json"),
    privateKey: join(dir, "apiclient_key.pem"),
    certificate: join(dir, "apiclient_cert.pem"),
    wechatpayPublicKey: join(dir, "wechatpay_public_key.pem"),
    platformCertificates: merchant.platformCertificates.map((certificate) =>
      join(dir, platformCertificateFileName(certificate.serialNo)),
    ),
  };
}

export function platformCertificateFileName(serialNo: string): string {
  return `platform_cert_${serialNo}.pem`;
}

/** (Re)write every file; called at creation and after each rotation. */
export async function writeMerchantFiles(dataDir: string, merchant: MerchantRecord): Promise<MerchantFiles> {
  const files = merchantFilePaths(dataDir, merchant);
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  await writeFile(files.privateKey, merchant.apiClient.privateKeyPem, { mode: 0o600 });
  await writeFile(files.certificate, merchant.apiClient.certificatePem);
  await writeFile(files.wechatpayPublicKey, merchant.wechatpayPublicKey.publicKeyPem);
  for (const [index, certificate] of merchant.platformCertificates.entries()) {
    await writeFile(files.platformCertificates[index]!, certificate.certificatePem);
  }
  await writeFile(files.merchantJson, `${JSON.stringify(merchantJson(merchant), null, 2)}\n`, {
    mode: 0o600,
  });
  return files;
}

function merchantJson(merchant: MerchantRecord) {
  return {
    note: "Written by the Kassa WeChat Pay sandbox. Test credentials: they work against the sandbox only.",
    mchid: merchant.mchid,
    appid: merchant.appid,
    appSecret: merchant.appSecret,
    apiV3Key: merchant.apiV3Key,
    merchantName: merchant.merchantName,
    notifyUrl: merchant.notifyUrl,
    merchantSerialNo: merchant.apiClient.serialNo,
    wechatpayPublicKeyId: merchant.wechatpayPublicKey.id,
    platformCertificates: merchant.platformCertificates.map((certificate) => ({
      serialNo: certificate.serialNo,
      effectiveTime: rfc3339Beijing(certificate.effectiveAt),
      expireTime: rfc3339Beijing(withdrawnAt(certificate)),
      file: platformCertificateFileName(certificate.serialNo),
    })),
    files: {
      privateKey: "apiclient_key.pem",
      certificate: "apiclient_cert.pem",
      wechatpayPublicKey: "wechatpay_public_key.pem",
    },
  };
}
