import type { KeyObject } from "node:crypto";
import { AlipayApiError, AlipayError, AlipayVerificationError } from "./errors.ts";
import { topLevelMembers } from "./raw-json.ts";
import { verifyRsa2 } from "./sign.ts";

/**
 * Verifying a v2 gateway answer (reference A.3, "Response format (v2)" and "Response
 * verification (v2)"): `{"<method with dots as _>_response": {...}, "sign": "...",
 * "alipay_cert_sn": "..." (certificate mode)}`, or `error_response` in place of the first.
 * The signature covers the exact raw text of the `*_response` value.
 */

export interface ResponseVerification {
  alipayPublicKey: KeyObject;
  /** Certificate mode: the SN of the Alipay public certificate we trust; answers must name it. */
  alipayCertSn?: string | undefined;
}

/** A verified `*_response` value whose `code` is 10000. */
export type GatewayResult = Record<string, unknown> & { code: "10000"; msg: string };

/** `alipay.trade.query` → `alipay_trade_query_response`. */
export function responseKeyOf(method: string): string {
  return `${method.replaceAll(".", "_")}_response`;
}

/**
 * Verifies the answer to `method` and returns its `*_response` value, or throws:
 * AlipayVerificationError (signature, cert SN), AlipayError RESPONSE_SHAPE_INVALID, or
 * AlipayApiError when `code` != 10000 (A.3 gateway codes, A.5 `sub_code`).
 */
export function verifyGatewayResponse(
  raw: Buffer | string,
  method: string,
  verification: ResponseVerification,
): GatewayResult {
  const bytes = typeof raw === "string" ? Buffer.from(raw, "utf8") : raw;
  const members = topLevelMembers(bytes);
  const methodKey = responseKeyOf(method);
  const responseKey = members.has(methodKey) ? methodKey : "error_response";
  const span = members.get(responseKey);
  if (!span) {
    throw new AlipayError(
      "RESPONSE_SHAPE_INVALID",
      `the answer has neither ${methodKey} nor error_response`,
      {
        diagnostics: { keys: [...members.keys()].slice(0, 10) },
      },
    );
  }
  const signed = bytes.subarray(span.start, span.end);
  const body = JSON.parse(signed.toString("utf8")) as unknown;
  if (
    typeof body !== "object" ||
    body === null ||
    Array.isArray(body) ||
    typeof (body as { code?: unknown }).code !== "string"
  ) {
    throw new AlipayError("RESPONSE_SHAPE_INVALID", `${responseKey} is not an object with a string code`);
  }
  const result = body as Record<string, unknown> & { code: string };
  const sign = readString(bytes, members.get("sign"), "sign");
  if (sign === undefined) {
    // Alipay sends some gateway-level errors unsigned. An unsigned error is passed on, marked
    // as such (it can only make us do less); an unsigned success is never believed.
    if (result.code !== "10000") throw apiError(result, responseKey, false);
    throw new AlipayVerificationError(
      "RESPONSE_SIGNATURE_MISSING",
      `${responseKey} has code 10000 but no sign`,
    );
  }
  if (verification.alipayCertSn !== undefined) {
    const certSn = readString(bytes, members.get("alipay_cert_sn"), "alipay_cert_sn");
    if (certSn !== verification.alipayCertSn) {
      // A.3: a different SN means Alipay rotated its certificate: load the new one.
      throw new AlipayVerificationError(
        "RESPONSE_CERT_SN_MISMATCH",
        `the answer names alipay_cert_sn ${certSn ?? "(none)"}, the client trusts ${verification.alipayCertSn}; download and configure Alipay's current public certificate`,
        { diagnostics: { received: certSn, expected: verification.alipayCertSn } },
      );
    }
  }
  if (!verifyRsa2(signed, sign, verification.alipayPublicKey)) {
    throw new AlipayVerificationError(
      "RESPONSE_SIGNATURE_INVALID",
      `${responseKey} does not verify under the configured Alipay public key`,
      { diagnostics: { responseKey, signedBytes: signed.length } },
    );
  }
  if (result.code !== "10000") throw apiError(result, responseKey, true);
  return result as GatewayResult;
}

function readString(bytes: Buffer, span: { start: number; end: number } | undefined, name: string) {
  if (!span) return undefined;
  const value = JSON.parse(bytes.subarray(span.start, span.end).toString("utf8")) as unknown;
  if (typeof value !== "string") throw new AlipayError("RESPONSE_SHAPE_INVALID", `${name} is not a string`);
  return value;
}

function apiError(result: Record<string, unknown>, responseKey: string, signatureVerified: boolean) {
  const text = (value: unknown) => (typeof value === "string" ? value : undefined);
  return new AlipayApiError({
    gatewayCode: String(result.code),
    msg: text(result.msg) ?? "",
    subCode: text(result.sub_code),
    subMsg: text(result.sub_msg),
    responseKey,
    signatureVerified,
  });
}
