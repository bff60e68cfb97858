import { X509Certificate } from "node:crypto";
import { type AlipayCheckInput, days, EXPIRY_WARNING_MS, fail, ok, type Verdict, warn } from "./check.ts";

/**
 * The app's keys as configured (A.3). Each was loaded and checked against the others when the
 * configuration was read, so here: which mode, and in certificate mode how long the app's and
 * Alipay's certificates have left (Alipay refuses an expired app certificate, and an expired
 * Alipay certificate means it has been replaced). Whether Alipay agrees is signed-call's.
 */
export function checkAlipayKeys({ credentials, now }: AlipayCheckInput): Verdict {
  const { keys } = credentials;
  if (keys.mode === "key")
    return ok(
      "key mode: the app private key and the Alipay public key (ALIPAY_PUBLIC_KEY_FILE) loaded and belong to different keys; see alipay-signed-call for whether Alipay agrees",
    );
  const certificates = [
    ["ALIPAY_APP_CERT_FILE", keys.appCertPem],
    ["ALIPAY_PUBLIC_CERT_FILE", keys.alipayPublicCertPem],
  ] as const;
  const ends = certificates.map(([name, pem]) => ({
    name,
    end: Date.parse(new X509Certificate(pem).validTo),
  }));
  const expired = ends.filter(({ end }) => end <= now);
  const fix =
    "download the current certificates at 支付宝开放平台 → 应用 → 开发设置 → 接口加签方式 and replace the files";
  if (expired.length > 0) return fail(`${expired.map(({ name }) => name).join(" and ")} expired: ${fix}`);
  const soon = ends.filter(({ end }) => end - now < EXPIRY_WARNING_MS);
  const left = ends
    .map(({ name, end }) => `${name} until ${new Date(end).toISOString().slice(0, 10)}`)
    .join(", ");
  if (soon.length > 0)
    return warn(
      `certificate mode: ${soon.map(({ name, end }) => `${name} expires in ${days(end - now)} days`).join(", ")}: ${fix}`,
    );
  return ok(`certificate mode: ${left}`);
}
