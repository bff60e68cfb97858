import { type AppCheckInput, fail, ok, type Verdict, warn } from "./check.ts";

/**
 * A signed `GET /v3/certificates` (§3.4) reaches WeChat Pay, which accepts the signature
 * (§2; a wrong key or serial is 401 SIGN_ERROR), and its answer's signature verifies (§3).
 * WeChat Pay's own words are passed on: they name what it checked.
 */
export function checkSignedCall({ probe, credentials }: AppCheckInput): Verdict {
  const { answer } = probe;
  if (probe.notSent) return fail(`not sent: ${probe.notSent}`);
  if (!answer)
    return fail(
      `no answer from ${probe.baseUrl} (${messageOf(probe.error)}): check this machine reaches it (proxy, firewall, DNS)${credentials.baseUrl ? " and WECHATPAY_BASE_URL" : ""}`,
    );
  const refusal = errorBody(answer.body);
  if (answer.status === 401)
    return fail(
      `WeChat Pay refused the signature: ${refusal}. Check that WECHATPAY_MERCHANT_SERIAL_NO is the serial of the certificate whose key is WECHATPAY_MERCHANT_PRIVATE_KEY_FILE, that WECHATPAY_MCHID is the merchant's, and this machine's clock (see clock-skew)`,
    );
  // A public-key merchant is told there are no platform certificates: the signature passed.
  const accepted =
    answer.status < 300 || (answer.status === 404 && !credentials.downloadPlatformCertificates);
  if (!accepted)
    return answer.status === 429 || answer.status >= 500
      ? warn(`WeChat Pay answered ${answer.status} (${refusal}): run the doctor again in a minute`)
      : fail(`WeChat Pay answered ${answer.status}: ${refusal}`);
  const { verification } = probe;
  if (verification && !verification.ok)
    return fail(
      `WeChat Pay accepted the signature, but its answer's signature does not verify (${verification.reason}): the WeChat Pay key configured is not this merchant's (see public-key-id)`,
    );
  if (!verification)
    return ok(
      `WeChat Pay accepted the signature (it answered ${answer.status}, an error it does not sign, §3.3)`,
    );
  return ok(
    `WeChat Pay accepted the signature and answered ${answer.status}, signed with ${verification.serial}, which verifies`,
  );
}

/** §1 error body: `CODE message`, or what the answer was. */
function errorBody(body: Buffer): string {
  try {
    const { code, message } = JSON.parse(body.toString("utf8")) as { code?: unknown; message?: unknown };
    if (typeof code === "string") return `${code} ${typeof message === "string" ? message : ""}`.trim();
  } catch {
    // not JSON
  }
  return `a body of ${body.length} bytes that is not a WeChat Pay error`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
