import type { SandboxContext } from "../context.ts";
import { newCertificateSerial } from "../ids.ts";
import {
  type CertificateAuthority,
  createCertificateAuthority,
  generateRsaKeyPair,
  issueCertificate,
} from "./certificates.ts";
import type { PlatformCertificateRecord } from "./merchant-record.ts";

/** §2, §3.4: API and platform certificates live 5 years. */
export const CERTIFICATE_LIFETIME_MS = 5 * 365 * 24 * 3600 * 1000;

/** A platform certificate for certificate mode (§3.4), effective now, issued by the sandbox CA. */
export async function newPlatformCertificate(
  ctx: SandboxContext,
  now: number,
): Promise<PlatformCertificateRecord> {
  const serialNo = newCertificateSerial(ctx.random.stream("ids"));
  const [ca, keys] = await Promise.all([certificateAuthority(ctx), generateRsaKeyPair()]);
  const expireAt = now + CERTIFICATE_LIFETIME_MS;
  const certificatePem = await issueCertificate(ca, {
    // §3.4: the subject of real platform certificates.
    subject: [
      ["CN", "Tenpay.com sign"],
      ["OU", "Tenpay.com CA Center"],
      ["O", "Tenpay.com"],
      ["L", "ShenZhen"],
      ["C", "CN"],
    ],
    serialHex: serialNo,
    publicKeyPem: keys.publicKeyPem,
    notBefore: now,
    notAfter: expireAt,
  });
  return { serialNo, privateKeyPem: keys.privateKeyPem, certificatePem, effectiveAt: now, expireAt };
}

const pendingAuthorities = new WeakMap<SandboxContext, Promise<CertificateAuthority>>();

/** The sandbox CA, made on first use and kept in the state; concurrent first uses share one. */
export function certificateAuthority(ctx: SandboxContext): Promise<CertificateAuthority> {
  const saved = ctx.store.getMeta<CertificateAuthority>("certificateAuthority");
  if (saved) return Promise.resolve(saved);
  let pending = pendingAuthorities.get(ctx);
  if (!pending) {
    pending = createCertificateAuthority(ctx.clock.now()).then(
      (ca) => {
        ctx.store.setMeta("certificateAuthority", ca);
        return ca;
      },
      (error: unknown) => {
        pendingAuthorities.delete(ctx); // let the next merchant try again
        throw error;
      },
    );
    pendingAuthorities.set(ctx, pending);
  }
  return pending;
}
