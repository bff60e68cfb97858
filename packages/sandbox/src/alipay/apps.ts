import { certificateSn, rootCertificateSn } from "@kassa/alipay";
import type { AlipayAppSeed } from "../config.ts";
import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import {
  createCertificateAuthority,
  type DistinguishedName,
  generateRsaKeyPair,
  issueCertificate,
} from "../identity/certificates.ts";
import { newCertificateSerial } from "../ids.ts";
import { type AlipayAppFiles, writeAlipayAppFiles } from "./app-files.ts";
import { type AlipayAppRecord, alipayTables } from "./records.ts";

/**
 * Alipay apps (reference A.3 "Public-key mode vs certificate mode"): each gets its own app key
 * pair and Alipay key pair at creation; in certificate mode a root CA of its own issues the
 * app's public certificate and Alipay's, so the three SNs a client computes are real ones.
 */

const ROOT_NAME: DistinguishedName = [
  ["C", "CN"],
  ["O", "Ant Financial"],
  ["OU", "Certification Authority"],
  ["CN", "Ant Financial Certification Authority R1 (Kassa sandbox)"],
];
const TEN_YEARS_MS = 10 * 365 * 86_400_000;

export async function createAlipayApp(
  ctx: SandboxContext,
  seed: AlipayAppSeed,
): Promise<{ app: AlipayAppRecord; files: AlipayAppFiles }> {
  const apps = alipayTables(ctx).apps;
  if (apps.has(seed.appId)) throw new SandboxError("ALIPAY_APP_EXISTS", seed.appId);
  const now = ctx.clock.now();
  const [appKey, alipayKey] = await Promise.all([generateRsaKeyPair(), generateRsaKeyPair()]);
  const app: AlipayAppRecord = { ...seed, createdAt: now, appKey, alipayKey };
  if (seed.keyMode === "cert") {
    const root = await createCertificateAuthority(now, ROOT_NAME);
    const random = ctx.random.stream("ids");
    const issue = (publicKeyPem: string, commonName: string) =>
      issueCertificate(root, {
        subject: [
          ["C", "CN"],
          ["O", "Kassa sandbox"],
          ["OU", "Alipay"],
          ["CN", commonName],
        ],
        serialHex: newCertificateSerial(random),
        publicKeyPem,
        notBefore: now - 86_400_000,
        notAfter: now + TEN_YEARS_MS,
      });
    const appCertPem = await issue(appKey.publicKeyPem, seed.appId);
    const alipayCertPem = await issue(alipayKey.publicKeyPem, "Alipay Public Key RSA2 (Kassa sandbox)");
    app.certificates = {
      rootCaPrivateKeyPem: root.privateKeyPem,
      rootBundlePem: root.certificatePem,
      appCertPem,
      alipayCertPem,
      appCertSn: certificateSn(appCertPem),
      alipayCertSn: certificateSn(alipayCertPem),
      alipayRootCertSn: rootCertificateSn(root.certificatePem),
    };
  }
  apps.set(app.appId, app);
  const files = await writeAlipayAppFiles(ctx.dataDir, app);
  await ctx.store.commit();
  return { app, files };
}

export function findAlipayApp(ctx: SandboxContext, appId: string): AlipayAppRecord | undefined {
  return alipayTables(ctx).apps.get(appId);
}

export function requireAlipayApp(ctx: SandboxContext, appId: string): AlipayAppRecord {
  const app = findAlipayApp(ctx, appId);
  if (!app) throw new SandboxError("ALIPAY_APP_NOT_FOUND", appId);
  return app;
}
