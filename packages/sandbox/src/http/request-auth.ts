import {
  AUTHORIZATION_SCHEME,
  buildRequestMessage,
  normaliseSerial,
  parseAuthorization,
  verifySha256WithRsa,
} from "@kassa/wechatpay";
import type { SandboxContext } from "../context.ts";
import type { MerchantRecord } from "../identity/merchant-record.ts";
import { WechatApiError, type WechatErrorDetail } from "../wechat-error.ts";

/**
 * §2 request authentication, in the order a person fixes things: the header and its
 * scheme, the five fields, a known mchid, the serial of that merchant's API certificate,
 * the timestamp window, then the signature over the exact method, path?query, timestamp,
 * nonce and raw body. Every refusal is 401 SIGN_ERROR carrying `sign_information`: the
 * message WeChat Pay built from the request, so a client can diff it against its own (§1,
 * §10; WeChat's guide "如何定位错误的签名" documents the four fields).
 */

export interface IncomingSignedRequest {
  method: string;
  /** Path and query exactly as received (`request.raw.url`). */
  url: string;
  authorization: string | undefined;
  rawBody: string;
}

const FIELDS = ["mchid", "nonce_str", "timestamp", "serial_no", "signature"] as const;
/** What WeChat Pay shows of the body in `truncated_sign_message` (posted SIGN_ERROR bodies show 8 characters). */
const BODY_EXCERPT_CHARS = 8;

export function authenticateRequest(ctx: SandboxContext, request: IncomingSignedRequest): MerchantRecord {
  const header = request.authorization;
  const loose = looseFields(header ?? "");
  const refuse = (issue: string, field = "authorization") => signError(request, loose, issue, field);
  if (!header) throw refuse("the Authorization header is missing");
  if (!header.startsWith(`${AUTHORIZATION_SCHEME} `)) {
    throw refuse(`the scheme must be ${AUTHORIZATION_SCHEME} followed by a space (the only one supported)`);
  }
  const parts = parseAuthorization(header);
  if (!parts) {
    const missing = FIELDS.filter((name) => !loose.get(name));
    throw refuse(
      `the Authorization header lacks ${missing.join(", ")}: all five of ${FIELDS.join(", ")} are required`,
    );
  }
  const merchant = ctx.tables.merchants.get(parts.mchid);
  if (!merchant) throw refuse(`mchid ${parts.mchid} is not a merchant of this sandbox`, "mchid");
  if (normaliseSerial(parts.serialNo) !== merchant.apiClient.serialNo) {
    throw refuse(
      `serial_no ${parts.serialNo} is not the serial of this merchant's API certificate (apiclient_cert.pem, ${merchant.apiClient.serialNo})`,
      "serial_no",
    );
  }
  const nowSeconds = Math.floor(ctx.clock.now() / 1000);
  const timestamp = /^\d{1,12}$/.test(parts.timestamp) ? Number(parts.timestamp) : Number.NaN;
  const skew = Math.abs(nowSeconds - timestamp);
  if (!(skew < ctx.config.maxClockSkewSeconds)) {
    throw refuse(
      Number.isNaN(timestamp)
        ? "timestamp must be Unix seconds"
        : `timestamp is ${skew} s away from WeChat Pay's clock (${nowSeconds}); the window is ${ctx.config.maxClockSkewSeconds} s. Sign with the sandbox clock`,
      "timestamp",
    );
  }
  const message = buildRequestMessage(
    { method: request.method, canonicalUrl: request.url, body: request.rawBody },
    parts.timestamp,
    parts.nonce,
  );
  const publicKey = ctx.keys.publicKey(merchant.apiClient.certificatePem);
  if (!verifySha256WithRsa(message, parts.signature, publicKey)) {
    throw refuse(
      "sign not match: compare detail.sign_information.truncated_sign_message with the message you signed",
      "signature",
    );
  }
  return merchant;
}

function signError(
  request: IncomingSignedRequest,
  loose: Map<string, string>,
  issue: string,
  field: string,
): WechatApiError {
  const message = buildRequestMessage(
    { method: request.method, canonicalUrl: request.url, body: request.rawBody },
    loose.get("timestamp") ?? "",
    loose.get("nonce_str") ?? "",
  );
  const excerpt = buildRequestMessage(
    {
      method: request.method,
      canonicalUrl: request.url,
      body: [...request.rawBody].slice(0, BODY_EXCERPT_CHARS).join(""),
    },
    loose.get("timestamp") ?? "",
    loose.get("nonce_str") ?? "",
  );
  const detail: WechatErrorDetail = {
    field,
    issue,
    location: "authorization",
    sign_information: {
      method: request.method.toUpperCase(),
      url: request.url,
      sign_message_length: Buffer.byteLength(message),
      truncated_sign_message: excerpt,
    },
  };
  return new WechatApiError("SIGN_ERROR", `signature check failed: ${issue}`, detail);
}

/** The key="value" pairs present, even when the header is incomplete (for the diagnostics only). */
function looseFields(header: string): Map<string, string> {
  return new Map([...header.matchAll(/(\w+)="([^"]*)"/g)].map((match) => [match[1]!, match[2]!]));
}
