import {
  LoginError,
  RequestValidationError,
  WECHATPAY_ERROR_CODES,
  WechatPayError,
  WechatPayNetworkError,
} from "./errors.ts";
import type { HttpResponse, HttpTransport } from "./transport.ts";
import { toNetworkError } from "./transport.ts";
import type { Code2SessionResult } from "./types.ts";

/**
 * §7.2 `auth.code2Session`: `GET /sns/jscode2session?appid&secret&js_code&grant_type`
 * on the mini-program host (not the payment host), unsigned. The app secret rides in the
 * query string, so the URL never reaches an error, a cause or diagnostics, and neither
 * does the answer's `session_key`, which only the caller receives.
 *
 * One attempt, no automatic retry: a login code works once (§7.2, 40163 "code been
 * used"), so a retry after a lost answer would fail anyway. Errors say if a new attempt
 * (with a new wx.login code) may help.
 */

export interface LoginContext {
  transport: HttpTransport;
  loginBaseUrl: URL;
  appid: string;
  appSecret: string | undefined;
  timeoutMs: number;
  userAgent: string;
}

/** §7.2: -1 system busy (retry), 45011 rate limited (slow down, then retry); others are final. */
const RETRYABLE_ERRCODES = new Set([-1, 45011]);

export async function code2Session(context: LoginContext, jsCode: string): Promise<Code2SessionResult> {
  const secret = context.appSecret;
  if (!secret) {
    throw new WechatPayError(
      "CONFIG_INVALID",
      "appSecret is not configured; code2Session needs the mini program's AppSecret",
    );
  }
  if (typeof jsCode !== "string" || !/^[\x21-\x7e]{1,128}$/.test(jsCode)) {
    throw new RequestValidationError(
      "js_code",
      "must be the code wx.login() returned (printable ASCII, 1-128 characters)",
    );
  }
  const redact = (text: string): string => text.split(secret).join("[redacted]");
  const base = context.loginBaseUrl;
  const url = new URL(`${base.pathname.replace(/\/+$/, "")}/sns/jscode2session`, base.origin);
  url.search = new URLSearchParams({
    appid: context.appid,
    secret,
    js_code: jsCode,
    grant_type: "authorization_code",
  }).toString();

  const signal = AbortSignal.timeout(context.timeoutMs);
  let response: HttpResponse;
  try {
    response = await context.transport({
      method: "GET",
      url: url.href,
      headers: { Accept: "application/json", "User-Agent": context.userAgent },
      signal,
    });
  } catch (error) {
    const mapped = toNetworkError(error, signal, url.host);
    // Rebuilt without the raw cause: a transport's own error may quote the URL, secret included.
    throw new WechatPayNetworkError(
      mapped.code,
      redact(mapped.message.slice(WECHATPAY_ERROR_CODES[mapped.code].length + 2)),
      {
        retryable: mapped.retryable,
        diagnostics: { ...mapped.diagnostics, operation: "login.code2Session" },
      },
    );
  }
  return readAnswer(response, redact);
}

function readAnswer(response: HttpResponse, redact: (text: string) => string): Code2SessionResult {
  const diagnostics = {
    operation: "login.code2Session",
    status: response.status,
    bytes: response.body.length,
  };
  if (response.status < 200 || response.status >= 300) {
    throw new WechatPayError("LOGIN_FAILED", `code2Session answered HTTP ${response.status}`, {
      retryable: response.status === 429 || response.status >= 500,
      diagnostics,
    });
  }
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(response.body.toString("utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
      throw new Error("not an object");
    body = parsed as Record<string, unknown>;
  } catch {
    // No excerpt of the body: a malformed success could still hold a session_key.
    throw new WechatPayError(
      "API_RESPONSE_INVALID",
      "code2Session answered something that is not a JSON object",
      {
        retryable: true,
        diagnostics,
      },
    );
  }
  // §7.2: errcode 0 or absent means success.
  const errcode = body.errcode;
  if (errcode !== undefined && errcode !== 0) {
    const code = typeof errcode === "number" ? errcode : Number(errcode);
    const errmsg = typeof body.errmsg === "string" ? redact(body.errmsg) : "";
    throw new LoginError(code, errmsg, RETRYABLE_ERRCODES.has(code));
  }
  if (typeof body.openid !== "string" || body.openid === "" || typeof body.session_key !== "string") {
    throw new WechatPayError(
      "API_RESPONSE_INVALID",
      "code2Session succeeded without an openid and a session_key",
      {
        retryable: false,
        diagnostics,
      },
    );
  }
  return {
    openid: body.openid,
    session_key: body.session_key,
    ...(typeof body.unionid === "string" ? { unionid: body.unionid } : {}),
  };
}
