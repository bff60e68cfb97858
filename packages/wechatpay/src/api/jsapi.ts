import type { KeyObject } from "node:crypto";
import { buildRequestPaymentParams, type RequestPaymentParams } from "../pay-sign.ts";
import type { ApiResult } from "../requester.ts";
import type { SigningMode } from "../rsa.ts";
import type { JsapiPrepayRequest, JsapiPrepayResponse } from "../types.ts";
import { validatePrepay } from "../validate.ts";
import { type EndpointContext, isRecord, unexpectedAnswer } from "./context.ts";

export const PREPAY_OPERATION = "jsapi.prepay";

/**
 * §5.1 `POST /v3/pay/transactions/jsapi`, the endpoint mini-program payment uses. A write:
 * idempotent on out_trade_no with identical parameters, so a lost answer is retried with
 * the same body and, if still unknown, reported as OUTCOME_UNKNOWN.
 */
export async function prepayJsapi(
  context: EndpointContext,
  request: JsapiPrepayRequest,
): Promise<ApiResult<JsapiPrepayResponse>> {
  validatePrepay(request, { allowLoopbackNotifyUrl: context.allowLoopbackNotifyUrl === true });
  const result = await context.requester.call<JsapiPrepayResponse>({
    method: "POST",
    path: "/v3/pay/transactions/jsapi",
    // Ours last: the prepay must be made under this client's appid and mchid, which
    // wx.requestPayment is then checked against (§7.1). Object.assign, not a spread
    // followed by two keys: V8 builds that literal on a slow path (~1.7 µs, then a slower
    // JSON.stringify of the result).
    body: Object.assign({}, request, { appid: context.appid, mchid: context.mchid }),
    kind: "write",
    operation: PREPAY_OPERATION,
  });
  if (!isRecord(result.data) || typeof result.data.prepay_id !== "string" || result.data.prepay_id === "") {
    throw unexpectedAnswer(PREPAY_OPERATION, result, "the answer has no prepay_id");
  }
  return result;
}

export interface PaymentSigning {
  merchantPrivateKey: KeyObject;
  clock: () => number;
  /** Where the paySign signature is computed (rsa.ts); default `thread-pool`. */
  signing?: SigningMode;
}

export interface PrepayWithRequestPayment {
  prepay_id: string;
  /** Hand this to the mini program for `wx.requestPayment` (§7.1); it is valid 2 hours. */
  requestPayment: RequestPaymentParams;
}

/** §5.1 then §7.1: prepay, and sign the `wx.requestPayment` parameters for the same appid. */
export async function prepayWithRequestPayment(
  context: EndpointContext & PaymentSigning,
  request: JsapiPrepayRequest,
): Promise<ApiResult<PrepayWithRequestPayment>> {
  const result = await prepayJsapi(context, request);
  const requestPayment = await buildRequestPaymentParams({
    appId: context.appid,
    prepayId: result.data.prepay_id,
    privateKey: context.merchantPrivateKey,
    now: context.clock(),
    ...(context.signing ? { signing: context.signing } : {}),
  });
  return { ...result, data: { prepay_id: result.data.prepay_id, requestPayment } };
}
