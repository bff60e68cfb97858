import { requestSigningString, signedGatewayResponse, verifyRequestSignature } from "@kassa/alipay";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../context.ts";
import type { FaultRule } from "../faults.ts";
import { faultTiming, holdThenReset, resetConnection, sleep } from "../http/fault-effects.ts";
import { findAlipayApp } from "./apps.ts";
import { AlipayGatewayError } from "./gateway-error.ts";
import { GATEWAY_METHODS } from "./gateway-methods.ts";
import type { AlipayAppRecord } from "./records.ts";

/**
 * `POST /alipay/gateway.do`, the OpenAPI v2 gateway (reference A.3, A.8 items 1-2). Every call
 * runs: parameters (query string and form body merged) → fault rule for the method → app and
 * common parameters → request signature under the app public key (certificate mode: the two
 * SNs too) → the method → (fault after the effect) → an answer signed over the exact text of
 * its `*_response` value, with `alipay_cert_sn` in certificate mode.
 */

export const ALIPAY_GATEWAY_PATH = "/alipay/gateway.do";
const TIMESTAMP = /^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$/;

export function registerAlipayGateway(app: FastifyInstance, ctx: SandboxContext): void {
  for (const method of Object.keys(GATEWAY_METHODS)) ctx.faults.defineTarget(method, "http");
  app.post(ALIPAY_GATEWAY_PATH, async (request, reply) => {
    const params = mergedParams(request);
    const method = params.method ?? "";
    const alipayApp = params.app_id ? findAlipayApp(ctx, params.app_id) : undefined;
    const fault = GATEWAY_METHODS[method] ? ctx.faults.take(method, params.app_id) : undefined;
    if (fault && faultTiming(fault) === "before") {
      const early = await beforeEffect(fault, request, reply);
      if (early === "reset") return reply;
      if (early) return send(ctx, reply, method, alipayApp, early);
    }
    let json: string;
    let error: AlipayGatewayError | undefined;
    try {
      const baseUrl = `${request.protocol}://${request.headers.host ?? request.hostname}`;
      json = await handle(ctx, params, method, alipayApp, baseUrl);
    } catch (thrown) {
      if (!(thrown instanceof AlipayGatewayError)) throw thrown;
      error = thrown;
      json = JSON.stringify(thrown.toBody());
    }
    if (fault?.fault === "apply_then_reset") return resetConnection(request, reply);
    if (fault?.fault === "apply_then_timeout") return holdThenReset(request, reply, fault.holdMs);
    if (fault?.fault === "apply_then_fail") return send(ctx, reply, method, alipayApp, unavailable());
    return send(ctx, reply, method, alipayApp, error ?? json);
  });
}

/** A.3 "Transport": common parameters in the query string, the rest in the form body. */
function mergedParams(request: FastifyRequest): Record<string, string> {
  const params: Record<string, string> = {};
  const url = new URL(request.raw.url ?? request.url, "http://gateway.invalid");
  for (const [key, value] of url.searchParams) params[key] = value;
  const body = typeof request.body === "string" ? request.body : "";
  for (const [key, value] of new URLSearchParams(body)) params[key] = value;
  return params;
}

/** Checks and runs the call; returns the `*_response` JSON text of a success. */
async function handle(
  ctx: SandboxContext,
  params: Record<string, string>,
  method: string,
  app: AlipayAppRecord | undefined,
  baseUrl: string,
): Promise<string> {
  const gatewayError = (code: "40001" | "40002", subCode: string, subMsg: string) =>
    new AlipayGatewayError(code, subCode, subMsg, { errorResponse: true });
  if (!params.app_id) throw gatewayError("40001", "isv.missing-app-id", "缺少AppID参数 (app_id is missing)");
  if (!app)
    throw gatewayError(
      "40002",
      "isv.invalid-app-id",
      `无效的AppID参数 (no app ${params.app_id} in this sandbox)`,
    );
  if (!method) throw gatewayError("40001", "isv.missing-method", "缺少方法名参数 (method is missing)");
  const entry = GATEWAY_METHODS[method];
  if (!entry)
    throw gatewayError(
      "40002",
      "isv.invalid-method",
      `不存在的方法名 (this gateway has no method ${method})`,
    );
  if (!params.sign) throw gatewayError("40001", "isv.missing-signature", "缺少签名参数 (sign is missing)");
  if (!params.sign_type)
    throw gatewayError("40001", "isv.missing-signature-type", "缺少签名类型参数 (sign_type is missing)");
  if (params.sign_type !== "RSA2") {
    throw gatewayError(
      "40002",
      "isv.invalid-signature-type",
      `无效的签名类型参数 (sign_type ${params.sign_type}; this gateway speaks RSA2)`,
    );
  }
  if (params.charset && params.charset.toLowerCase() !== "utf-8") {
    throw gatewayError(
      "40002",
      "isv.invalid-charset",
      `字符集不合法 (charset ${params.charset}; send utf-8)`,
    );
  }
  // A.3: the timestamp's tolerance is [unconfirmed], so only its shape is checked.
  if (!params.timestamp)
    throw gatewayError("40001", "isv.missing-timestamp", "缺少时间戳参数 (timestamp is missing)");
  if (!TIMESTAMP.test(params.timestamp)) {
    throw gatewayError(
      "40002",
      "isv.invalid-timestamp",
      "非法的时间戳参数 (timestamp must be yyyy-MM-dd HH:mm:ss, Beijing time)",
    );
  }
  if (!verifyRequestSignature(params, ctx.keys.publicKey(app.appKey.publicKeyPem))) {
    // A.3: the gateway puts its own string to sign in sub_msg.
    throw new AlipayGatewayError(
      "40002",
      "isv.invalid-signature",
      `验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配，网关生成的验签字符串为：${requestSigningString(params)}`,
    );
  }
  checkCertificateSns(app, params);
  let biz: Record<string, unknown> = {};
  if (!entry.topLevel) {
    try {
      const parsed = JSON.parse(params.biz_content ?? "") as unknown;
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
        throw new Error("not an object");
      biz = parsed as Record<string, unknown>;
    } catch {
      throw new AlipayGatewayError(
        "40002",
        "isv.invalid-parameter",
        "biz_content must be a JSON object (A.3) [unconfirmed sub_code]",
      );
    }
  }
  try {
    const fields = await entry.handle({ ctx, app, params, biz, baseUrl });
    return JSON.stringify({ code: "10000", msg: "Success", ...fields });
  } finally {
    // A business refusal may still have changed state (a used auth code): commit either way.
    if (entry.mutating) await ctx.store.commit();
  }
}

/** A.3 certificate mode: both SNs must name the certificates this app was issued. [unconfirmed sub_codes] */
function checkCertificateSns(app: AlipayAppRecord, params: Record<string, string>): void {
  const certificates = app.certificates;
  if (!certificates) return;
  if (params.app_cert_sn !== certificates.appCertSn) {
    throw new AlipayGatewayError(
      "40002",
      "isv.invalid-app-cert-sn",
      `app_cert_sn ${params.app_cert_sn ?? "(missing)"} is not the SN of appCertPublicKey_${app.appId}.crt (${certificates.appCertSn})`,
    );
  }
  if (params.alipay_root_cert_sn !== certificates.alipayRootCertSn) {
    throw new AlipayGatewayError(
      "40002",
      "isv.invalid-alipay-root-cert-sn",
      `alipay_root_cert_sn ${params.alipay_root_cert_sn ?? "(missing)"} is not the SN of alipayRootCert.crt (${certificates.alipayRootCertSn})`,
    );
  }
}

async function beforeEffect(
  fault: FaultRule,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<AlipayGatewayError | "reset" | undefined> {
  switch (fault.fault) {
    case "unavailable":
    case "rate_limit":
      return unavailable();
    case "system_error":
      // A.1: ACQ.SYSTEM_ERROR, "retry with identical parameters, then query".
      return new AlipayGatewayError(
        "40004",
        "ACQ.SYSTEM_ERROR",
        "系统错误 (retry with the same parameters, then query)",
      );
    case "delay":
      await sleep(fault.delayMs);
      return undefined;
    case "reset":
      resetConnection(request, reply);
      return "reset";
    default:
      return undefined;
  }
}

/** A.3: 20000, service unavailable: retry. */
function unavailable(): AlipayGatewayError {
  return new AlipayGatewayError(
    "20000",
    "isp.unknow-error",
    "服务暂不可用 (service unavailable: retry later)",
  );
}

/**
 * The answer, signed with the app's Alipay key over the exact `*_response` text (A.3). Without
 * a known app there is no key the client could verify with, so the error goes unsigned.
 */
function send(
  ctx: SandboxContext,
  reply: FastifyReply,
  method: string,
  app: AlipayAppRecord | undefined,
  answer: string | AlipayGatewayError,
): FastifyReply {
  const json = typeof answer === "string" ? answer : JSON.stringify(answer.toBody());
  const errorResponse = typeof answer !== "string" && (answer.errorResponse || !GATEWAY_METHODS[method]);
  let body: string;
  if (app) {
    body = signedGatewayResponse(method, json, ctx.keys.privateKey(app.alipayKey.privateKeyPem), {
      errorResponse,
      ...(app.certificates ? { alipayCertSn: app.certificates.alipayCertSn } : {}),
    });
  } else {
    body = `{"error_response":${json}}`;
  }
  // The v2 gateway answers 200 for every outcome, business and protocol errors alike (A.3).
  return reply.code(200).type("text/html;charset=utf-8").send(body);
}
