import type { WechatPayCredentials } from "./config.ts";
import {
  apiV3KeyProblem,
  checkCertificatePem,
  checkPrivateKeyPem,
  checkPublicKeyPem,
  DOCUMENTED_IDENTIFIERS,
  publicKeyIdProblem,
} from "./config-checks.ts";
import type { EnvReader } from "./config-reader.ts";

/**
 * One app's WeChat Pay credentials, from the environment or from an app's entry in
 * KASSA_APPS_FILE (config-apps-file.ts gives its entries the same names). Every problem is
 * recorded; none echoes a value.
 */
export function readWechatPay(read: EnvReader): WechatPayCredentials {
  // Identifiers are not secrets, but a swapped variable could hold one: no value is echoed.
  const mchid = read.identifier(
    "WECHATPAY_MCHID",
    /^\d{1,32}$/,
    () =>
      // §5.1: string(32); every merchant number in the docs is 10 digits.
      "must be the merchant number, digits only (商户平台 → 账户中心 → 商户信息)",
  );
  const appid = read.identifier(
    "WECHATPAY_APPID",
    /^wx[0-9A-Za-z]{16}$/,
    () =>
      // §5.1, §7.1: the mini program's AppID (wx + 16 characters, e.g. §9.8's sample).
      "must be the mini program's AppID, wx followed by 16 letters or digits (微信公众平台 → 开发管理 → 开发设置)",
  );
  const appSecret = read.secret("WECHATPAY_APP_SECRET");
  // §2: the serial of apiclient_cert.pem, 40 upper-case hex characters.
  const merchantSerialNo = read.identifier(
    "WECHATPAY_MERCHANT_SERIAL_NO",
    /^[0-9A-Fa-f]{40}$/,
    () =>
      "must be the 40 hex characters of the merchant API certificate's serial (openssl x509 -in apiclient_cert.pem -noout -serial)",
  );
  const merchantPrivateKeyPem = read.requiredFile("WECHATPAY_MERCHANT_PRIVATE_KEY_FILE");
  if (merchantPrivateKeyPem)
    read.check("WECHATPAY_MERCHANT_PRIVATE_KEY_FILE", checkPrivateKeyPem(merchantPrivateKeyPem));
  const merchantCertificatePem = read.optionalFile("WECHATPAY_MERCHANT_CERTIFICATE_FILE");
  if (merchantCertificatePem)
    read.check("WECHATPAY_MERCHANT_CERTIFICATE_FILE", checkCertificatePem(merchantCertificatePem));
  const apiV3Key = read.secret("WECHATPAY_APIV3_KEY");
  if (apiV3Key) read.check("WECHATPAY_APIV3_KEY", apiV3KeyProblem(apiV3Key));

  const publicKeyId = read.optional("WECHATPAY_PUBLIC_KEY_ID");
  const publicKeyPem = read.optionalFile("WECHATPAY_PUBLIC_KEY_FILE");
  const certificates = read.optional("WECHATPAY_PLATFORM_CERTIFICATES");
  if (certificates !== undefined && certificates !== "download") {
    read.problem(
      "WECHATPAY_PLATFORM_CERTIFICATES must be download (certificate mode) or unset (public-key mode)",
    );
  }
  const download = certificates === "download";
  if (!publicKeyId && !publicKeyPem && !download) {
    read.problem(
      "set WECHATPAY_PUBLIC_KEY_ID and WECHATPAY_PUBLIC_KEY_FILE (public-key mode), or WECHATPAY_PLATFORM_CERTIFICATES=download",
    );
  }
  if (publicKeyId) {
    const problem = publicKeyIdProblem(publicKeyId);
    if (problem) read.check("WECHATPAY_PUBLIC_KEY_ID", problem);
    else read.notSample("WECHATPAY_PUBLIC_KEY_ID", publicKeyId, DOCUMENTED_IDENTIFIERS);
  }
  if (publicKeyId && !publicKeyPem && !read.optional("WECHATPAY_PUBLIC_KEY_FILE"))
    read.problem("WECHATPAY_PUBLIC_KEY_FILE is required with WECHATPAY_PUBLIC_KEY_ID");
  if (publicKeyPem && !publicKeyId)
    read.problem(
      "WECHATPAY_PUBLIC_KEY_ID is required with WECHATPAY_PUBLIC_KEY_FILE (PUB_KEY_ID_..., shown next to the key)",
    );
  if (publicKeyPem) read.check("WECHATPAY_PUBLIC_KEY_FILE", checkPublicKeyPem(publicKeyPem));

  const baseUrl = read.optional("WECHATPAY_BASE_URL");
  const loginBaseUrl = read.optional("WECHAT_LOGIN_BASE_URL");
  for (const [name, value] of [
    ["WECHATPAY_BASE_URL", baseUrl],
    ["WECHAT_LOGIN_BASE_URL", loginBaseUrl],
  ] as const) {
    if (value) {
      read.url(
        name,
        value,
        "(reference §1: WeChat Pay is HTTPS only); to try Kassa against the simulator, run it in demo mode",
      );
    }
  }
  return {
    mchid,
    appid,
    appSecret,
    merchantSerialNo: merchantSerialNo.toUpperCase(),
    merchantPrivateKeyPem,
    ...(merchantCertificatePem ? { merchantCertificatePem } : {}),
    apiV3Key,
    ...(publicKeyId && publicKeyPem ? { publicKey: { id: publicKeyId, pem: publicKeyPem } } : {}),
    downloadPlatformCertificates: download,
    ...(baseUrl ? { baseUrl } : {}),
    ...(loginBaseUrl ? { loginBaseUrl } : {}),
  };
}
