import { encryptAeadAes256Gcm, parseApiV3Key, rfc3339Beijing } from "@kassa/wechatpay";
import type { MerchantEndpoint } from "../http/merchant-endpoint.ts";
import { activePlatformCertificates, withdrawnAt } from "../identity/merchant-record.ts";
import { newAeadNonce } from "../ids.ts";
import { WechatApiError } from "../wechat-error.ts";

/**
 * §3.4 `GET /v3/certificates`: every platform certificate in force (both around a
 * rotation), each PEM encrypted with the merchant's APIv3 key, associated data
 * `certificate`. A public-key-only merchant gets the documented error, or `data: []` when
 * configured so (both are reported by merchants).
 */
export const certificatesEndpoint: MerchantEndpoint = {
  name: "certificates.list",
  method: "GET",
  url: "/v3/certificates",
  async handle({ ctx, merchant }) {
    const active = activePlatformCertificates(merchant, ctx.clock.now());
    if (active.length === 0 && ctx.config.publicKeyOnlyCertificates === "error") {
      throw new WechatApiError(
        "RESOURCE_NOT_EXISTS",
        "无可用的平台证书，请在商户平台-API安全申请使用微信支付公钥 (no platform certificate: this merchant uses the WeChat Pay public key)",
      );
    }
    const apiV3Key = parseApiV3Key(merchant.apiV3Key);
    const data = active.map((certificate) => {
      const nonce = newAeadNonce(ctx.random.stream("ids"));
      return {
        serial_no: certificate.serialNo,
        effective_time: rfc3339Beijing(certificate.effectiveAt),
        expire_time: rfc3339Beijing(withdrawnAt(certificate)),
        encrypt_certificate: {
          algorithm: "AEAD_AES_256_GCM",
          associated_data: "certificate",
          nonce,
          ciphertext: encryptAeadAes256Gcm(apiV3Key, {
            nonce,
            associatedData: "certificate",
            plaintext: certificate.certificatePem,
          }),
        },
      };
    });
    return { status: 200, body: { data } };
  },
};
