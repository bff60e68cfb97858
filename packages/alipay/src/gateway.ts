import { type KeyObject, sign } from "node:crypto";
import { responseKeyOf } from "./response.ts";
import { type RequestParams, requestSigningString, verifyRsa2 } from "./sign.ts";

/**
 * The gateway's side of the v2 protocol (reference A.3), for a local gateway in tests and for
 * an Alipay simulator: check a request's `sign` under the app public key, and sign an answer
 * the way Alipay does, over the exact text of its `*_response` value.
 */

/** True when `params.sign` is the app's RSA2 signature over the A.3 string of the other params. */
export function verifyRequestSignature(params: RequestParams, appPublicKey: KeyObject): boolean {
  const signature = params.sign;
  if (!signature) return false;
  return verifyRsa2(requestSigningString(params), signature, appPublicKey);
}

export interface SignedResponseOptions {
  /** Answer under `error_response` instead of `<method>_response`. */
  errorResponse?: boolean;
  /** Certificate mode: the `alipay_cert_sn` to send with the answer. */
  alipayCertSn?: string;
}

/**
 * A gateway answer: `{"<method>_response":<responseJson>,"sign":"…"[,"alipay_cert_sn":"…"]}`.
 * `responseJson` is put in as given, byte for byte, and signed as given (A.3).
 */
export function signedGatewayResponse(
  method: string,
  responseJson: string,
  alipayPrivateKey: KeyObject,
  options: SignedResponseOptions = {},
): string {
  const key = options.errorResponse ? "error_response" : responseKeyOf(method);
  const signature = sign("sha256", Buffer.from(responseJson, "utf8"), alipayPrivateKey).toString("base64");
  const certSn =
    options.alipayCertSn === undefined ? "" : `,"alipay_cert_sn":${JSON.stringify(options.alipayCertSn)}`;
  return `{${JSON.stringify(key)}:${responseJson},"sign":${JSON.stringify(signature)}${certSn}}`;
}
