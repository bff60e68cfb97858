import { WechatPayError } from "../errors.ts";
import type { ApiRequester, ApiResult } from "../requester.ts";

/** What every endpoint function needs: the requester and the merchant's identity. */
export interface EndpointContext {
  requester: ApiRequester;
  mchid: string;
  /** The mini program's AppID (§5.1). */
  appid: string;
  /** True when the client talks to a local simulator over http (see ValidationOptions). */
  allowLoopbackNotifyUrl?: boolean;
}

/**
 * A verified 2xx answer that lacks what the endpoint documents. It came from WeChat Pay
 * (it verified), so sending the same request again is safe and usually enough.
 */
export function unexpectedAnswer(
  operation: string,
  result: ApiResult<unknown>,
  what: string,
): WechatPayError {
  return new WechatPayError("API_RESPONSE_INVALID", `${operation}: ${what}`, {
    retryable: true,
    diagnostics: { operation, status: result.status, requestId: result.requestId },
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
