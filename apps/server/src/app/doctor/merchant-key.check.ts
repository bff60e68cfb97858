import { createPrivateKey, X509Certificate } from "node:crypto";
import { normaliseSerial } from "@kassa/wechatpay";
import { type AppCheckInput, fail, ok, type Verdict, warn } from "./check.ts";

/**
 * §2: requests are signed with apiclient_key.pem and name the serial of apiclient_cert.pem.
 * With the certificate (WECHATPAY_MERCHANT_CERTIFICATE_FILE) both are checked here; without it
 * only WeChat Pay can tell, and the signed call (signed-call) is what asks it.
 */
export function checkMerchantKey({ credentials }: AppCheckInput): Verdict {
  const configured = normaliseSerial(credentials.merchantSerialNo);
  if (!credentials.merchantCertificatePem)
    return warn(
      `not checked: no merchant certificate is configured, so only WeChat Pay can tell whether the private key is that of serial ${configured} (see signed-call); set WECHATPAY_MERCHANT_CERTIFICATE_FILE to apiclient_cert.pem to check it here`,
    );
  const certificate = new X509Certificate(credentials.merchantCertificatePem);
  const serial = normaliseSerial(certificate.serialNumber);
  if (serial !== configured)
    return fail(
      `WECHATPAY_MERCHANT_SERIAL_NO is ${configured}, but the merchant certificate's serial is ${serial}: set WECHATPAY_MERCHANT_SERIAL_NO=${serial} (openssl x509 -in apiclient_cert.pem -noout -serial)`,
    );
  if (!certificate.checkPrivateKey(createPrivateKey(credentials.merchantPrivateKeyPem)))
    return fail(
      `the private key is not the one of the merchant certificate ${serial}: give the apiclient_key.pem that was made with this apiclient_cert.pem (or download a new pair at 商户平台 → 账户中心 → API安全)`,
    );
  return ok(`the private key belongs to the merchant certificate ${serial}, the configured serial`);
}
