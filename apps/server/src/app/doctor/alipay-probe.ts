import { randomBytes } from "node:crypto";
import type { AlipayClient } from "@kassa/alipay";
import { alipayClientFor } from "../../channels/alipay-client-for.ts";
import type { AlipayCredentials } from "../../config.ts";
import type { Clock } from "../../domain/clock.ts";

/** Alipay's production gateway (A.3), when ALIPAY_GATEWAY_URL is not set. */
const PRODUCTION_GATEWAY = "https://openapi.alipay.com/gateway.do";

/**
 * One signed `alipay.trade.query` (A.5) of an out_trade_no no payment can have, made with an
 * app's Alipay credentials by the same client Kassa pays with (alipayClientFor). It changes
 * nothing at Alipay. Its answer shows whether the gateway took the request's signature (else
 * `isv.invalid-signature`, A.3) and whether the answer's signature verifies under the Alipay
 * key configured: a verified `ACQ.TRADE_NOT_EXIST` proves both.
 */
export interface AlipayProbe {
  gatewayUrl: string;
  /** The out_trade_no asked for: Kassa's are payment ids (pay_...), never this. */
  outTradeNo: string;
  /** Whether the gateway answered at all, with HTTP 200 and a body. */
  answered: boolean;
  /** The client's error (every answer but a trade is one); undefined only if a trade came back. */
  error: unknown;
  /** Why the client would not even be made (its own checks of the keys). */
  notSent: string | undefined;
  /**
   * What the answer says, read without verifying it: told when the signature does not
   * verify, since Alipay's words (its sub_code) still say what it thought of the request.
   */
  said: { code: string; subCode: string | undefined } | undefined;
}

export async function probeAlipay(credentials: AlipayCredentials, clock: Clock): Promise<AlipayProbe> {
  const gatewayUrl = credentials.gatewayUrl ?? PRODUCTION_GATEWAY;
  // Letters, digits and _ (A.1); "doctor" is no prefix Kassa gives a payment.
  const outTradeNo = `kassa_doctor_${randomBytes(12).toString("hex")}`;
  let body: Buffer | undefined;
  // The client's own fetch, watched: the answer's bytes are kept, whatever they say.
  const recording: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const bytes = Buffer.from(await response.arrayBuffer());
    if (response.status === 200) body = bytes;
    return new Response(bytes, { status: response.status, headers: response.headers });
  };
  let client: AlipayClient;
  try {
    client = alipayClientFor(credentials, clock, { fetch: recording });
  } catch (refused) {
    return {
      gatewayUrl,
      outTradeNo,
      answered: false,
      error: refused,
      notSent: refused instanceof Error ? refused.message : String(refused),
      said: undefined,
    };
  }
  let error: unknown;
  try {
    await client.trade.query({ out_trade_no: outTradeNo });
  } catch (caught) {
    error = caught;
  }
  return {
    gatewayUrl,
    outTradeNo,
    answered: body !== undefined,
    error,
    notSent: undefined,
    said: said(body),
  };
}

/** The `*_response` (or `error_response`) of a v2 answer (A.3), unverified: only to say what it says. */
function said(body: Buffer | undefined): AlipayProbe["said"] {
  if (!body) return undefined;
  try {
    const parsed = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    const response = Object.entries(parsed).find(([key]) => key.endsWith("_response"))?.[1] as
      | { code?: unknown; sub_code?: unknown }
      | undefined;
    if (typeof response?.code !== "string") return undefined;
    return {
      code: response.code,
      subCode: typeof response.sub_code === "string" ? response.sub_code : undefined,
    };
  } catch {
    return undefined;
  }
}
