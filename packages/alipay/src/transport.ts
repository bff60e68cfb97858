import type { ResolvedOptions } from "./client-options.ts";
import { AlipayError, AlipayNetworkError } from "./errors.ts";
import { type GatewayResult, verifyGatewayResponse } from "./response.ts";
import { beijingTimestamp, signRequest } from "./sign.ts";

/**
 * One v2 gateway call (reference A.3): the common parameters, `biz_content` as a JSON string
 * (or business fields at the top level, as `alipay.system.oauth.token` takes them), signed,
 * POSTed as alipay-sdk does: the common parameters in the query string, the rest as an
 * `application/x-www-form-urlencoded` body. The answer is verified before it is read.
 */

export interface GatewayCall {
  method: string;
  bizContent?: Record<string, unknown>;
  /** Business parameters that the method takes at the top level instead of in biz_content. */
  topLevel?: Record<string, string>;
  notifyUrl?: string | undefined;
  /** The call changes state at Alipay: losing its answer leaves the outcome unknown. */
  mutating: boolean;
}

/** A.3 "Transport": the parameters alipay-sdk's `formatUrl` puts in the URL. */
const URL_PARAMS = new Set([
  "app_id",
  "method",
  "format",
  "charset",
  "sign_type",
  "sign",
  "timestamp",
  "version",
  "notify_url",
  "app_auth_token",
  "app_cert_sn",
  "alipay_root_cert_sn",
]);

export async function callGateway(options: ResolvedOptions, call: GatewayCall): Promise<GatewayResult> {
  const params: Record<string, string | undefined> = {
    app_id: options.appId,
    method: call.method,
    format: "JSON",
    charset: "utf-8",
    sign_type: "RSA2",
    timestamp: beijingTimestamp(options.clock()),
    version: "1.0",
    notify_url: call.notifyUrl,
    app_auth_token: options.appAuthToken,
    // gopay #452 (A.3): the cert SNs go with every call, biz_content or not.
    app_cert_sn: options.appCertSn,
    alipay_root_cert_sn: options.alipayRootCertSn,
    ...call.topLevel,
    biz_content: call.bizContent === undefined ? undefined : JSON.stringify(call.bizContent),
  };
  params.sign = await signRequest(params, options.appPrivateKey, options.signing);
  const url = new URL(options.gatewayUrl);
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === "") continue;
    if (URL_PARAMS.has(key)) url.searchParams.set(key, value);
    else body.set(key, value);
  }
  const bytes = await send(options, call, url, body);
  return verifyGatewayResponse(bytes, call.method, {
    alipayPublicKey: options.alipayPublicKey,
    alipayCertSn: options.alipayCertSn,
  });
}

async function send(
  options: ResolvedOptions,
  call: GatewayCall,
  url: URL,
  body: URLSearchParams,
): Promise<Buffer> {
  const diagnostics = { method: call.method, host: url.host };
  let response: Response;
  let bytes: Buffer;
  try {
    response = await options.fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded;charset=utf-8",
        accept: "application/json",
      },
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    bytes = Buffer.from(await response.arrayBuffer());
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    if (call.mutating) {
      throw new AlipayNetworkError(
        "OUTCOME_UNKNOWN",
        `${call.method} ${timedOut ? `got no answer within ${options.timeoutMs} ms` : "lost its connection"}`,
        { cause: error, diagnostics },
      );
    }
    throw new AlipayNetworkError(timedOut ? "TIMEOUT" : "NETWORK_ERROR", `${call.method} to ${url.host}`, {
      retryable: true,
      cause: error,
      diagnostics,
    });
  }
  if (response.status !== 200) {
    // The v2 gateway answers 200 for business and protocol errors alike; anything else came
    // from a proxy or an outage, before or after the call took effect.
    throw new AlipayError(
      call.mutating ? "OUTCOME_UNKNOWN" : "NETWORK_ERROR",
      `${call.method} answered HTTP ${response.status}`,
      { retryable: !call.mutating, diagnostics: { ...diagnostics, status: response.status } },
    );
  }
  return bytes;
}
