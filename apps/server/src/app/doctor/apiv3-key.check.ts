import { apiV3KeyProblem } from "../../config-checks.ts";
import { type AppCheckInput, fail, ok, type Verdict, warn } from "./check.ts";

/**
 * §4.2: the APIv3 key is 32 bytes and decrypts what WeChat Pay encrypts for this merchant. The
 * platform certificates of /v3/certificates are the one thing it decrypts before any payment.
 */
export function checkApiV3Key({ credentials, probe }: AppCheckInput): Verdict {
  const problem = apiV3KeyProblem(credentials.apiV3Key);
  if (problem) return fail(`WECHATPAY_APIV3_KEY ${problem}`);
  if (probe.decryptError)
    return fail(
      `the platform certificates WeChat Pay lists do not decrypt with WECHATPAY_APIV3_KEY (${probe.decryptError}): it is not this merchant's APIv3 key; copy it again, or set a new one at 商户平台 → 账户中心 → API安全 → APIv3密钥`,
    );
  if (probe.certificates)
    return ok(
      `32 bytes; it decrypts the ${probe.certificates.length} platform certificate(s) WeChat Pay lists`,
    );
  if (!probe.answer || probe.answer.status >= 300) {
    if (probe.answer?.status === 404 && !credentials.downloadPlatformCertificates)
      return ok(
        "32 bytes; WeChat Pay lists no platform certificates for this merchant (public-key mode), so the first notification is the first thing it decrypts",
      );
    return warn("32 bytes; not tried on the platform certificates: the signed call failed (see signed-call)");
  }
  if (credentials.downloadPlatformCertificates)
    return fail(
      "WECHATPAY_PLATFORM_CERTIFICATES=download, but WeChat Pay lists no platform certificates for this merchant: use public-key mode (WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY_FILE)",
    );
  return ok(
    "32 bytes; WeChat Pay lists no platform certificates for this merchant (public-key mode), so the first notification is the first thing it decrypts",
  );
}
