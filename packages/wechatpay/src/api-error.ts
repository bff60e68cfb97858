import { type ApiErrorFamily, WechatPayApiError } from "./errors.ts";
import { NON_RETRYABLE_SERVER_CODES, normaliseWechatCode } from "./wechat-code.ts";

/**
 * One factory from a non-2xx answer to a `WechatPayApiError` (stripe's `generateV1Error`).
 * Non-2xx answers are not signed and not verified (§3.3), so nothing here is trusted
 * beyond what it is: an explanation to show a person and a code to branch on.
 */

const MAX_EXCERPT_CHARACTERS = 200;

/** §1 "Error body": `{code, message, detail}`; on 401 `detail.sign_information` (§1, §2). */
export function createApiError(status: number, headers: Headers, body: Buffer): WechatPayApiError {
  const requestId = headers.get("request-id") ?? undefined;
  const parsed = parseErrorBody(body);
  const wechatCode = typeof parsed?.code === "string" ? normaliseWechatCode(parsed.code) : "";
  const wechatMessage =
    typeof parsed?.message === "string"
      ? parsed.message
      : describeUnreadableBody(status, headers.get("content-type"), body);
  return new WechatPayApiError({
    status,
    wechatCode,
    wechatMessage,
    requestId,
    detail: parsed?.detail,
    retryable: isRetryableApiError(status, wechatCode),
    family: apiErrorFamily(status),
  });
}

/** §5.8: 429 and 5xx may succeed when sent again, except the 500s that never will. */
export function isRetryableApiError(status: number, wechatCode: string): boolean {
  if (NON_RETRYABLE_SERVER_CODES.has(wechatCode)) return false;
  return status === 429 || status >= 500;
}

/** §5.8 table, by HTTP status; other 4xx are the caller's to fix, like 400. */
export function apiErrorFamily(status: number): ApiErrorFamily {
  if (status === 401) return "authentication";
  if (status === 403) return "permission";
  if (status === 404) return "not_found";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "server";
  // 400 and the rest of 4xx; a 1xx/3xx would be a proxy's doing and is not retried either.
  return "invalid_request";
}

function parseErrorBody(body: Buffer): Record<string, unknown> | undefined {
  if (body.length === 0) return undefined;
  try {
    const value: unknown = JSON.parse(body.toString("utf8"));
    return typeof value === "object" && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** A proxy's HTML page or an empty 502 still has to read as a sentence a person can use. */
function describeUnreadableBody(status: number, contentType: string | null, body: Buffer): string {
  if (body.length === 0) return `HTTP ${status} with an empty body (no WeChat Pay error code)`;
  const excerpt = body
    .toString("utf8")
    .replace(/\s+/g, " ")
    .replace(/[^\x20-\x7e\u4e00-\u9fff]/g, "?")
    .slice(0, MAX_EXCERPT_CHARACTERS);
  return `HTTP ${status} with a body that is not a WeChat Pay error (${contentType ?? "no content-type"}, ${body.length} bytes): "${excerpt}"`;
}
