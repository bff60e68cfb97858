import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeIdentity, type TestIdentity } from "../../packages/wechatpay/test/fixtures/identities.ts";

/**
 * The merchant and WeChat Pay identities every implementation is given, made fresh for
 * each run. The PEMs are also written to a temporary folder, because the peers' READMEs
 * load keys from files (`fs.readFileSync(...)`, `file:///path`) and the bench uses them
 * exactly that way.
 */
export interface BenchWorld {
  merchant: TestIdentity;
  /** WeChat Pay's signing key; its public half is the "WeChat Pay public key" (§3.4). */
  platform: TestIdentity;
  mchid: string;
  appid: string;
  /** The 32-character APIv3 key, as set on the merchant platform (§4.2). */
  apiV3Key: string;
  /** Public-key mode (§3.4): what `Wechatpay-Serial` carries on every signed answer. */
  publicKeyId: string;
  files: {
    merchantKey: string;
    merchantCertificate: string;
    platformPublicKey: string;
  };
  /** Removes the key folder. */
  dispose(): void;
}

export async function makeBenchWorld(): Promise<BenchWorld> {
  const [merchant, platform] = await Promise.all([
    makeIdentity({ commonName: "1900000001 merchant" }),
    makeIdentity({ commonName: "Tenpay.com sign" }),
  ]);
  const folder = mkdtempSync(join(tmpdir(), "kassa-bench-keys-"));
  const files = {
    merchantKey: join(folder, "apiclient_key.pem"),
    merchantCertificate: join(folder, "apiclient_cert.pem"),
    platformPublicKey: join(folder, "pub_key.pem"),
  };
  writeFileSync(files.merchantKey, merchant.privateKeyPem, { mode: 0o600 });
  writeFileSync(files.merchantCertificate, merchant.certificatePem);
  writeFileSync(files.platformPublicKey, platform.publicKeyPem);
  return {
    merchant,
    platform,
    mchid: "1900000001",
    appid: "wx8888888888888888",
    apiV3Key: "0123456789abcdefghijklmnopqrstuv",
    publicKeyId: "PUB_KEY_ID_0000000000000024101100397200000006",
    files,
    dispose: () => rmSync(folder, { recursive: true, force: true }),
  };
}
