import { parseAuthorization } from "@kassa/wechatpay";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { SandboxContext } from "../context.ts";
import { parseJsonObject } from "../domain/field-checks.ts";
import type { FaultRule } from "../faults.ts";
import type { MerchantRecord } from "../identity/merchant-record.ts";
import { WechatApiError } from "../wechat-error.ts";
import { faultTiming, holdThenReset, resetConnection, sleep } from "./fault-effects.ts";
import { authenticateRequest } from "./request-auth.ts";
import { signResponse } from "./response-signing.ts";

/**
 * One WeChat Pay API endpoint (§5) and the pipeline every one of them runs through:
 * fault rule → §2 authentication → the endpoint → (fault after the effect) → §3 signed
 * answer. An endpoint only validates, applies and returns; it never touches HTTP.
 */

export interface MerchantCall {
  ctx: SandboxContext;
  /** The authenticated merchant (§2). */
  merchant: MerchantRecord;
  params: Readonly<Record<string, string>>;
  query: Readonly<Record<string, string | undefined>>;
  rawBody: string;
  /** The body as a JSON object, or 400 PARAM_ERROR. */
  jsonBody(): Record<string, unknown>;
  /** `http://host:port` as the client addressed us, for URLs we hand out (bill download_url). */
  baseUrl: string;
}

export type EndpointAnswer =
  | { status: 200; body: unknown }
  | { status: 204 }
  /** A file download: sent as raw bytes and NOT signed (§3.3; its integrity is the bill's hash_value). */
  | { status: 200; file: Buffer; contentType: string };

export interface MerchantEndpoint {
  /** The name fault rules target, e.g. `jsapi.prepay`. */
  name: string;
  method: "GET" | "POST";
  /** A Fastify route pattern, e.g. `/v3/pay/transactions/out-trade-no/:out_trade_no`. */
  url: string;
  handle(call: MerchantCall): Promise<EndpointAnswer>;
}

interface Answer {
  status: number;
  body?: unknown;
  file?: Buffer;
  contentType?: string;
}

export function registerMerchantEndpoint(
  app: FastifyInstance,
  ctx: SandboxContext,
  endpoint: MerchantEndpoint,
): void {
  ctx.faults.defineTarget(endpoint.name, "http");
  app.route({
    method: endpoint.method,
    url: endpoint.url,
    handler: async (request, reply) => {
      const rawBody = typeof request.body === "string" ? request.body : "";
      const claimedMchid = parseAuthorization(request.headers.authorization)?.mchid;
      const requestSerial = header(request, "wechatpay-serial");
      // Who signs the answer: the authenticated merchant, else the one the header claims.
      let signer = claimedMchid === undefined ? undefined : ctx.tables.merchants.get(claimedMchid);
      const fault = ctx.faults.take(endpoint.name, claimedMchid);
      if (fault && faultTiming(fault) === "before") {
        const early = await beforeEffect(fault, request, reply);
        if (early === "reset") return reply;
        if (early) return sendAnswer(ctx, reply, early, signer, requestSerial);
      }
      let answer: Answer;
      try {
        const merchant = authenticateRequest(ctx, {
          method: request.method,
          url: request.raw.url ?? request.url,
          authorization: request.headers.authorization,
          rawBody,
        });
        signer = merchant;
        answer = await endpoint.handle({
          ctx,
          merchant,
          params: request.params as Record<string, string>,
          query: request.query as Record<string, string | undefined>,
          rawBody,
          jsonBody: () => parseJsonObject(rawBody),
          baseUrl: `${request.protocol}://${request.headers.host ?? request.hostname}`,
        });
      } catch (error) {
        if (!(error instanceof WechatApiError)) throw error;
        answer = { status: error.status, body: error.toBody() };
      }
      if (fault?.fault === "apply_then_reset") return resetConnection(request, reply);
      if (fault?.fault === "apply_then_timeout") return holdThenReset(request, reply, fault.holdMs);
      if (fault?.fault === "apply_then_fail") answer = systemError();
      return sendAnswer(ctx, reply, answer, signer, requestSerial);
    },
  });
}

/** The answer of a "before" fault; "reset" when the connection is gone; undefined to go on. */
async function beforeEffect(
  fault: FaultRule,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<Answer | "reset" | undefined> {
  switch (fault.fault) {
    case "rate_limit":
      return errorAnswer(
        new WechatApiError(
          "FREQUENCY_LIMITED",
          "frequency limited: slow down, then retry with the same parameters",
        ),
      );
    case "system_error":
      return systemError();
    case "unavailable":
      return errorAnswer(
        new WechatApiError("SERVICE_UNAVAILABLE", "service unavailable: retry later with backoff"),
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

function systemError(): Answer {
  return errorAnswer(new WechatApiError("SYSTEM_ERROR", "system error: retry with the same parameters"));
}

function errorAnswer(error: WechatApiError): Answer {
  return { status: error.status, body: error.toBody() };
}

/** Serialise once, sign those exact bytes (§3.2), send them. 204 carries an empty, signed body. */
async function sendAnswer(
  ctx: SandboxContext,
  reply: FastifyReply,
  answer: Answer,
  merchant: MerchantRecord | undefined,
  requestSerial: string | undefined,
): Promise<FastifyReply> {
  if (answer.file) {
    return reply
      .code(answer.status)
      .type(answer.contentType ?? "application/octet-stream")
      .send(answer.file);
  }
  const body = answer.status === 204 || answer.body === undefined ? "" : JSON.stringify(answer.body);
  // No known merchant (an unknown mchid): there is no key this client could verify with.
  if (merchant) reply.headers(await signResponse(ctx, merchant, requestSerial, body));
  reply.code(answer.status);
  if (body === "") return reply.send();
  return reply.type("application/json; charset=utf-8").send(body);
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
