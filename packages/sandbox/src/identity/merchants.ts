import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import {
  newApiV3Key,
  newAppid,
  newAppSecret,
  newCertificateSerial,
  newMchid,
  newPublicKeyId,
} from "../ids.ts";
import { generateRsaKeyPair, issueCertificate } from "./certificates.ts";
import { writeMerchantFiles } from "./merchant-files.ts";
import type { MerchantRecord } from "./merchant-record.ts";
import {
  CERTIFICATE_LIFETIME_MS,
  certificateAuthority,
  newPlatformCertificate,
} from "./platform-certificates.ts";

/**
 * Creating a complete test merchant and rotating its platform certificate (§3.4). Keys are
 * generated in parallel on the thread pool; a merchant costs three RSA-2048 key pairs.
 */

export interface CreateMerchantInput {
  mchid?: string;
  appid?: string;
  merchantName?: string;
  notifyUrl?: string;
  /** false: public-key mode only (new merchants since Oct 2024, §3.4). Default true: both modes. */
  certificates?: boolean;
}

const ONE_DAY_MS = 24 * 3600 * 1000;

export async function createMerchant(
  ctx: SandboxContext,
  input: CreateMerchantInput,
): Promise<MerchantRecord> {
  const ids = ctx.random.stream("ids");
  const mchid =
    input.mchid ??
    uniqueValue(
      () => newMchid(ids),
      (value) => ctx.tables.merchants.has(value),
    );
  const appid =
    input.appid ??
    uniqueValue(
      () => newAppid(ids),
      (value) => findMerchantByAppid(ctx, value) !== undefined,
    );
  checkNewMerchant(ctx, input, mchid, appid);
  const now = ctx.clock.now();
  const apiClientSerial = newCertificateSerial(ids);
  const publicKeyId = newPublicKeyId(ids, mchid, now);
  const [ca, apiClientKeys, publicKeyPair, platform] = await Promise.all([
    certificateAuthority(ctx),
    generateRsaKeyPair(),
    generateRsaKeyPair(),
    input.certificates === false ? undefined : newPlatformCertificate(ctx, now),
  ]);
  const merchantName = input.merchantName ?? `Sandbox merchant ${mchid}`;
  const certificatePem = await issueCertificate(ca, {
    // The subject real merchant API certificates carry (CN = mchid, O = 微信商户系统).
    subject: [
      ["CN", mchid],
      ["OU", merchantName],
      ["O", "微信商户系统"],
      ["L", "Shenzhen"],
      ["ST", "Guangdong"],
      ["C", "CN"],
    ],
    serialHex: apiClientSerial,
    publicKeyPem: apiClientKeys.publicKeyPem,
    notBefore: now - ONE_DAY_MS,
    notAfter: now + CERTIFICATE_LIFETIME_MS,
  });
  checkNewMerchant(ctx, input, mchid, appid); // again: another creation may have finished meanwhile
  const merchant: MerchantRecord = {
    mchid,
    appid,
    appSecret: newAppSecret(),
    apiV3Key: newApiV3Key(),
    merchantName,
    notifyUrl: input.notifyUrl ?? "https://notify.invalid/wechatpay",
    createdAt: now,
    apiClient: { serialNo: apiClientSerial, privateKeyPem: apiClientKeys.privateKeyPem, certificatePem },
    wechatpayPublicKey: { id: publicKeyId, ...publicKeyPair },
    platformCertificates: platform ? [platform] : [],
  };
  ctx.tables.merchants.set(mchid, merchant);
  await writeMerchantFiles(ctx.dataDir, merchant);
  await ctx.store.commit();
  return merchant;
}

/**
 * §3.4 rotation: a new certificate is issued and listed next to the old one. With
 * `overlapMs`, the old ones are withdrawn after that long (a client must then have moved
 * to the new serial); without it they stay until they expire.
 */
export async function rotatePlatformCertificate(
  ctx: SandboxContext,
  mchid: string,
  overlapMs?: number,
): Promise<MerchantRecord> {
  const merchant = requireMerchant(ctx, mchid);
  if (merchant.platformCertificates.length === 0)
    throw new SandboxError("MERCHANT_HAS_NO_CERTIFICATES", mchid);
  const now = ctx.clock.now();
  const next = await newPlatformCertificate(ctx, now);
  if (overlapMs !== undefined) {
    for (const certificate of merchant.platformCertificates) {
      certificate.retireAt = Math.min(certificate.retireAt ?? Number.POSITIVE_INFINITY, now + overlapMs);
    }
  }
  merchant.platformCertificates.push(next);
  await writeMerchantFiles(ctx.dataDir, merchant);
  await ctx.store.commit();
  return merchant;
}

export function requireMerchant(ctx: SandboxContext, mchid: string): MerchantRecord {
  const merchant = ctx.tables.merchants.get(mchid);
  if (!merchant) throw new SandboxError("MERCHANT_NOT_FOUND", `mchid ${mchid}`);
  return merchant;
}

export function findMerchantByAppid(ctx: SandboxContext, appid: string): MerchantRecord | undefined {
  for (const merchant of ctx.tables.merchants.iterate()) if (merchant.appid === appid) return merchant;
  return undefined;
}

function checkNewMerchant(
  ctx: SandboxContext,
  input: CreateMerchantInput,
  mchid: string,
  appid: string,
): void {
  const invalid = (detail: string) => new SandboxError("ADMIN_REQUEST_INVALID", detail);
  if (!/^\d{8,10}$/.test(mchid)) throw invalid("mchid must be 8 to 10 digits, like 1900000109");
  if (!/^wx[0-9a-zA-Z]{16}$/.test(appid)) throw invalid("appid must be wx followed by 16 letters or digits");
  if (
    input.merchantName !== undefined &&
    !(input.merchantName.length > 0 && input.merchantName.length <= 64)
  ) {
    throw invalid("merchantName must be 1 to 64 characters");
  }
  if (input.notifyUrl !== undefined && !/^https?:\/\/[^\s?#]+$/.test(input.notifyUrl)) {
    throw invalid("notifyUrl must be an http(s) URL without a query string (§5.1)");
  }
  if (ctx.tables.merchants.has(mchid)) throw new SandboxError("MERCHANT_EXISTS", `mchid ${mchid}`);
  if (findMerchantByAppid(ctx, appid))
    throw new SandboxError("MERCHANT_EXISTS", `appid ${appid} is bound to another mchid`);
}

function uniqueValue(make: () => string, taken: (value: string) => boolean): string {
  for (;;) {
    const value = make();
    if (!taken(value)) return value;
  }
}
