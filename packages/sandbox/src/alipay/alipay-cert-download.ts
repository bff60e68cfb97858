import { bizString, type GatewayCall } from "./gateway-call.ts";
import { businessError, invalidParameter } from "./gateway-error.ts";

/**
 * `alipay.open.app.alipaycert.download` (A.3: "a mismatch means Alipay rotated its cert and we
 * need to fetch the new one (gopay has a downloader for this)"): the Alipay public certificate
 * with the given SN, current or retired, as Base64 of its PEM [unconfirmed field encoding].
 */
export async function alipayCertDownload({ app, biz }: GatewayCall): Promise<Record<string, unknown>> {
  const sn = bizString(biz, "alipay_cert_sn");
  if (sn === undefined) throw invalidParameter("alipay_cert_sn is required");
  const certificates = app.certificates;
  const known = certificates
    ? [
        { sn: certificates.alipayCertSn, certificatePem: certificates.alipayCertPem },
        ...(certificates.retiredAlipayCerts ?? []),
      ]
    : [];
  const found = known.find((certificate) => certificate.sn === sn);
  if (!found) {
    // [unconfirmed] Alipay's sub_code for an unknown SN.
    throw businessError(
      "ALIPAYCERT_NOT_EXIST",
      `no Alipay certificate with SN ${sn} was issued to app ${app.appId}`,
    );
  }
  return { alipay_cert_content: Buffer.from(found.certificatePem, "utf8").toString("base64") };
}
