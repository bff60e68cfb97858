import { X509Certificate } from "node:crypto";
import { type AppCheckInput, days, EXPIRY_WARNING_MS, fail, ok, type Verdict, warn } from "./check.ts";

/**
 * §2, §3.4: the merchant API certificate and the platform certificates live 5 years; an
 * expired one stops payments. Warned of 30 days ahead (issue 13).
 */
export function checkCertificateExpiry({ credentials, probe, now }: AppCheckInput): Verdict {
  const certificates: { what: string; renew: string; expiresAt: number }[] = [];
  if (credentials.merchantCertificatePem)
    certificates.push({
      what: "the merchant certificate",
      renew:
        "renew it at 商户平台 → 账户中心 → API安全 → 申请API证书, then set the new key, serial and certificate",
      expiresAt: Date.parse(new X509Certificate(credentials.merchantCertificatePem).validTo),
    });
  for (const platform of probe.certificates ?? [])
    certificates.push({
      what: `platform certificate ${platform.serial}`,
      renew:
        "WeChat Pay lists its successor before then; if it does not, move to public-key mode (WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY_FILE)",
      expiresAt: platform.expiresAt,
    });
  if (certificates.length === 0)
    return ok(
      "nothing here expires: no merchant certificate is configured and WeChat Pay lists no platform certificates (the WeChat Pay public key has no expiry)",
    );
  const expired = certificates.filter((certificate) => certificate.expiresAt <= now);
  if (expired.length > 0)
    return fail(expired.map((c) => `${c.what} expired on ${day(c.expiresAt)}: ${c.renew}`).join("; "));
  const soon = certificates.filter((certificate) => certificate.expiresAt - now < EXPIRY_WARNING_MS);
  if (soon.length > 0)
    return warn(
      soon
        .map((c) => `${c.what} expires in ${days(c.expiresAt - now)} days (${day(c.expiresAt)}): ${c.renew}`)
        .join("; "),
    );
  return ok(certificates.map((c) => `${c.what} until ${day(c.expiresAt)}`).join("; "));
}

function day(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}
