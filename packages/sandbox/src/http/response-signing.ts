import { type PlatformSigner, PROBE_SIGNATURE_PREFIX, signAsWechatPay } from "@kassa/wechatpay";
import type { SandboxContext } from "../context.ts";
import { activePlatformCertificates, type MerchantRecord } from "../identity/merchant-record.ts";

/**
 * §3 from WeChat Pay's side: every answer to a merchant is signed over
 * `timestamp\nnonce\nbody\n` with the Wechatpay-* headers (§3.1, §3.2), in one of two
 * modes chosen by the request's `Wechatpay-Serial` (§2 "Extra request header", §3.4):
 * - `PUB_KEY_ID_...`: the WeChat Pay public key (responses switch as soon as a request
 *   carries it);
 * - a serial of one of the merchant's platform certificates, or none: certificate mode
 *   if the merchant has certificates (the named one if it is in force, else the newest),
 *   otherwise the public key (public-key-only merchants).
 * At the configured probe rate the signature is replaced by a `WECHATPAY/SIGNTEST/` probe
 * (§3.5), which is not Base64 and must fail verification.
 */

export function chooseResponseSigner(
  ctx: SandboxContext,
  merchant: MerchantRecord,
  requestSerial: string | undefined,
): PlatformSigner {
  const publicKeySigner = {
    serial: merchant.wechatpayPublicKey.id,
    privateKey: ctx.keys.privateKey(merchant.wechatpayPublicKey.privateKeyPem),
  };
  if (requestSerial?.startsWith("PUB_KEY_ID_")) return publicKeySigner;
  const active = activePlatformCertificates(merchant, ctx.clock.now());
  const chosen =
    active.find((certificate) => certificate.serialNo === requestSerial?.toUpperCase()) ?? active[0];
  if (!chosen) return publicKeySigner;
  return { serial: chosen.serialNo, privateKey: ctx.keys.privateKey(chosen.privateKeyPem) };
}

export async function signResponse(
  ctx: SandboxContext,
  merchant: MerchantRecord,
  requestSerial: string | undefined,
  body: string,
): Promise<Record<string, string>> {
  const signer = chooseResponseSigner(ctx, merchant, requestSerial);
  const headers: Record<string, string> = { ...(await signAsWechatPay(signer, body, ctx.clock.now())) };
  if (ctx.random.stream("probes").chance(ctx.settings.probeRate)) {
    headers["Wechatpay-Signature"] = probeSignature(ctx);
  }
  return headers;
}

/** `WECHATPAY/SIGNTEST/` + random characters: the shape of WeChat Pay's probes (§3.5). */
export function probeSignature(ctx: SandboxContext): string {
  return `${PROBE_SIGNATURE_PREFIX}${ctx.random.stream("probes").alphanumeric(40)}`;
}
