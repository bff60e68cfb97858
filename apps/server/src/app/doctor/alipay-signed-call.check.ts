import { AlipayApiError, AlipayError, AlipayVerificationError } from "@kassa/alipay";
import { type AlipayCheckInput, fail, ok, type Verdict, warn } from "./check.ts";

/** Where the Alipay public key is configured, by the app's 接口加签方式 (A.3). */
const alipayKeyFile = (input: AlipayCheckInput) =>
  input.credentials.keys.mode === "key" ? "ALIPAY_PUBLIC_KEY_FILE" : "ALIPAY_PUBLIC_CERT_FILE";

const APP_KEY_FIX =
  "ALIPAY_APP_PRIVATE_KEY_FILE is not the private key of the app public key (应用公钥) set for this app at 支付宝开放平台 → 应用 → 开发设置 → 接口加签方式: give the app private key made with it, or set its public key there";

/**
 * A signed `alipay.trade.query` of an out_trade_no that cannot exist (alipay-probe.ts). A.5:
 * an unknown trade is `40004 ACQ.TRADE_NOT_EXIST`; so that answer, verified under the Alipay
 * key configured, proves the gateway took the request's signature and Kassa can check
 * Alipay's. A.3: a request signature Alipay refuses is `40002 isv.invalid-signature`.
 */
export function checkAlipaySignedCall(input: AlipayCheckInput): Verdict {
  const { probe } = input;
  if (probe.notSent) return fail(`not sent: ${probe.notSent}`);
  const { error } = probe;
  if (!probe.answered)
    return fail(
      `no answer from ${probe.gatewayUrl} (${messageOf(error)}): check this machine reaches it (proxy, firewall, DNS)${input.credentials.gatewayUrl ? " and ALIPAY_GATEWAY_URL" : ""}`,
    );
  if (error instanceof AlipayVerificationError) return unverified(input, error);
  if (error instanceof AlipayApiError) return refused(input, error);
  if (error === undefined)
    // A trade of this number cannot exist, but the answer verified all the same.
    return ok(`Alipay accepted the signature and answered a verified trade for ${probe.outTradeNo}`);
  return fail(`the answer could not be read: ${messageOf(error)}`);
}

/** The answer came, but its signature does not verify: the Alipay key (or certificate) is not this app's. */
function unverified(input: AlipayCheckInput, error: AlipayVerificationError): Verdict {
  const file = alipayKeyFile(input);
  if (error.code === "RESPONSE_CERT_SN_MISMATCH")
    return fail(
      `Alipay signs its answers under another certificate than ${file} (A.3): it has rotated its public certificate; download alipayCertPublicKey_RSA2.crt again (支付宝开放平台 → 应用 → 开发设置 → 接口加签方式) and give it as ${file}`,
    );
  const said = input.probe.said;
  const requestToo =
    said?.subCode === "isv.invalid-signature"
      ? `; and it refused the request's signature too (isv.invalid-signature), so ${APP_KEY_FIX}`
      : said?.subCode === "ACQ.TRADE_NOT_EXIST"
        ? " (it accepted the request's signature: the app private key is right)"
        : "";
  return fail(
    `Alipay's answer does not verify (${error.code}): ${file} is not the Alipay public key of this app (支付宝公钥, shown beside the app public key at 支付宝开放平台 → 应用 → 开发设置 → 接口加签方式; not the app's own public key)${requestToo}`,
  );
}

/** Alipay answered an error, signed and verified (or, for some gateway errors, unsigned). */
function refused(input: AlipayCheckInput, error: AlipayApiError): Verdict {
  const words = [error.gatewayCode, error.subCode, error.subMsg?.slice(0, 120)].filter(Boolean).join(" ");
  const unsigned = error.signatureVerified ? "" : " (an unsigned answer)";
  switch (error.subCode) {
    case "ACQ.TRADE_NOT_EXIST":
      if (!error.signatureVerified)
        return warn(
          `Alipay accepted the signature (it looked for the trade), but sent its answer unsigned, so ${alipayKeyFile(input)} was not checked: run the doctor again`,
        );
      return ok(
        `Alipay accepted the signature (it answered ACQ.TRADE_NOT_EXIST for ${input.probe.outTradeNo}, which cannot exist), and its answer's signature verifies under ${alipayKeyFile(input)}`,
      );
    case "isv.invalid-signature":
      return fail(`Alipay refused the request's signature (40002 isv.invalid-signature): ${APP_KEY_FIX}`);
    case "isv.invalid-app-id":
      return fail(
        `Alipay knows no app ${input.credentials.appId} at ${input.probe.gatewayUrl} (isv.invalid-app-id): check ALIPAY_APP_ID (支付宝开放平台 → 控制台 → 小程序 → APPID), and that a sandbox app (9021…) is used with the sandbox's ALIPAY_GATEWAY_URL`,
      );
    case "isv.invalid-app-cert-sn":
      return fail(
        `Alipay does not know the app certificate's SN (isv.invalid-app-cert-sn): ALIPAY_APP_CERT_FILE is not this app's current appCertPublicKey_${input.credentials.appId}.crt; download it again at 支付宝开放平台 → 应用 → 开发设置`,
      );
    case "isv.invalid-alipay-root-cert-sn":
      return fail(
        "Alipay does not know the root certificate's SN (isv.invalid-alipay-root-cert-sn): ALIPAY_ROOT_CERT_FILE is not alipayRootCert.crt as Alipay gives it; download it again at 支付宝开放平台 → 应用 → 开发设置",
      );
  }
  if (error.retryable) return warn(`Alipay answered ${words}${unsigned}: run the doctor again in a minute`);
  if (error.gatewayCode === "40006")
    return fail(
      `Alipay answered ${words}: the app may not query trades; sign the mini-program payment product (小程序支付) for app ${input.credentials.appId} at 支付宝开放平台`,
    );
  return fail(`Alipay answered ${words}${unsigned}`);
}

function messageOf(error: unknown): string {
  if (error instanceof AlipayError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
