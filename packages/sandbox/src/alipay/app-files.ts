import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { AlipayAppRecord } from "./records.ts";

/**
 * What a merchant loads to talk to this gateway, written to `<dataDir>/alipay/<appId>/`
 * with the names Alipay's own tools use (A.3): the app private key, and in key mode the
 * "Alipay public key", in certificate mode the three certificates. Private keys are 0600.
 */

export interface AlipayAppFiles {
  dir: string;
  /** `app.json`: ids, key mode, SNs and the names of the other files. */
  appJson: string;
  /** PKCS#8 PEM. */
  appPrivateKey: string;
  /** SPKI PEM; in certificate mode the same key as the Alipay public certificate's. */
  alipayPublicKey: string;
  /** Certificate mode only: `appCertPublicKey_<appId>.crt`. */
  appCert?: string;
  /** Certificate mode only: `alipayCertPublicKey_RSA2.crt`. */
  alipayPublicCert?: string;
  /** Certificate mode only: `alipayRootCert.crt`. */
  alipayRootCert?: string;
}

export function alipayAppFilePaths(dataDir: string, app: AlipayAppRecord): AlipayAppFiles {
  const dir = join(dataDir, "alipay", app.appId);
  return {
    dir,
    appJson: join(dir, "app.json"),
    appPrivateKey: join(dir, "app_private_key.pem"),
    alipayPublicKey: join(dir, "alipay_public_key.pem"),
    ...(app.certificates
      ? {
          appCert: join(dir, `appCertPublicKey_${app.appId}.crt`),
          alipayPublicCert: join(dir, "alipayCertPublicKey_RSA2.crt"),
          alipayRootCert: join(dir, "alipayRootCert.crt"),
        }
      : {}),
  };
}

export async function writeAlipayAppFiles(dataDir: string, app: AlipayAppRecord): Promise<AlipayAppFiles> {
  const files = alipayAppFilePaths(dataDir, app);
  await mkdir(files.dir, { recursive: true, mode: 0o700 });
  await writeFile(files.appPrivateKey, app.appKey.privateKeyPem, { mode: 0o600 });
  await writeFile(files.alipayPublicKey, app.alipayKey.publicKeyPem);
  const certificates = app.certificates;
  if (certificates && files.appCert && files.alipayPublicCert && files.alipayRootCert) {
    await writeFile(files.appCert, certificates.appCertPem);
    await writeFile(files.alipayPublicCert, certificates.alipayCertPem);
    await writeFile(files.alipayRootCert, certificates.rootBundlePem);
  }
  const json = {
    note: "Written by the Kassa sandbox's Alipay gateway. Test credentials: they work against the sandbox only.",
    appId: app.appId,
    sellerId: app.sellerId,
    notifyUrl: app.notifyUrl,
    keyMode: app.keyMode,
    gatewayPath: "/alipay/gateway.do",
    ...(certificates
      ? {
          appCertSn: certificates.appCertSn,
          alipayCertSn: certificates.alipayCertSn,
          alipayRootCertSn: certificates.alipayRootCertSn,
        }
      : {}),
    files: Object.fromEntries(
      Object.entries(files)
        .filter(([key]) => key !== "dir" && key !== "appJson")
        .map(([key, path]) => [key, path.slice(files.dir.length + 1)]),
    ),
  };
  await writeFile(files.appJson, `${JSON.stringify(json, null, 2)}\n`, { mode: 0o600 });
  return files;
}
