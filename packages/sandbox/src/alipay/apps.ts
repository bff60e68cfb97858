import { certificateSn, rootCertificateSn } from "@kassa/alipay";
import type { AlipayAppSeed } from "../config.ts";
import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import {
  type CertificateAuthority,
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
const ALIPAY_CERT_NAME = "Alipay Public Key RSA2 (Kassa sandbox)";

/** A certificate of the app's root CA for `publicKeyPem`, with a fresh serial. */
function issueAlipayLeaf(
  ctx: SandboxContext,
  root: CertificateAuthority,
  publicKeyPem: string,
  commonName: string,
): Promise<string> {
  const now = ctx.clock.now();
  return issueCertificate(root, {
    subject: [
      ["C", "CN"],
      ["O", "Kassa sandbox"],
      ["OU", "Alipay"],
      ["CN", commonName],
    ],
    serialHex: newCertificateSerial(ctx.random.stream("ids")),
    publicKeyPem,
    notBefore: now - 86_400_000,
    notAfter: now + TEN_YEARS_MS,
  });
}

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
    const appCertPem = await issueAlipayLeaf(ctx, root, appKey.publicKeyPem, seed.appId);
    const alipayCertPem = await issueAlipayLeaf(ctx, root, alipayKey.publicKeyPem, ALIPAY_CERT_NAME);
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

/**
 * A.8 item 2, "a cert-rotation scenario": Alipay's key pair and public certificate are
 * replaced at once. Answers and notifications carry the new `alipay_cert_sn` and are signed
 * with the new key, so a client holding the old certificate sees the SN change (A.3) until it
 * loads the new one (from the rewritten file, or `alipay.open.app.alipaycert.download`).
 */
export async function rotateAlipayCertificate(
  ctx: SandboxContext,
  appId: string,
): Promise<{ app: AlipayAppRecord; files: AlipayAppFiles }> {
  const app = requireAlipayApp(ctx, appId);
  const certificates = app.certificates;
  if (!certificates)
    throw new SandboxError("ALIPAY_APP_IN_KEY_MODE", `${appId}: only certificate mode rotates`);
  const alipayKey = await generateRsaKeyPair();
  const root = {
    privateKeyPem: certificates.rootCaPrivateKeyPem,
    certificatePem: certificates.rootBundlePem,
  };
  const alipayCertPem = await issueAlipayLeaf(ctx, root, alipayKey.publicKeyPem, ALIPAY_CERT_NAME);
  certificates.retiredAlipayCerts = [
    ...(certificates.retiredAlipayCerts ?? []),
    { sn: certificates.alipayCertSn, certificatePem: certificates.alipayCertPem },
  ];
  app.alipayKey = alipayKey;
  certificates.alipayCertPem = alipayCertPem;
  certificates.alipayCertSn = certificateSn(alipayCertPem);
  const files = await writeAlipayAppFiles(ctx.dataDir, app);
  await ctx.store.commit();
  return { app, files };
}
