/**
 * What the simulated WeChat Pay answers when it refuses a call: WeChat's own codes with
 * WeChat's HTTP statuses (reference §5.8) and the error body of §1
 * (`{code, message, detail?}`). Endpoints throw `WechatApiError`; the HTTP layer renders
 * and signs it like any answer.
 */

/** §5.8, newer spellings. `ORDERPAID` is the v2 close/prepay code §5.8 mentions (UNCONFIRMED for v3). */
export const WECHAT_ERROR_STATUS = {
  PARAM_ERROR: 400,
  INVALID_REQUEST: 400,
  APPID_MCHID_NOT_MATCH: 400,
  MCH_NOT_EXISTS: 400,
  ORDER_CLOSED: 400,
  ORDERPAID: 400,
  /** Bills (§5.7): no trade or fund movement that day (the download-bill API's error table). */
  NO_STATEMENT_EXIST: 400,
  /** Bills (§5.7): the day's bill is not generated yet (before 10:00 Beijing time the next day). */
  STATEMENT_CREATING: 400,
  SIGN_ERROR: 401,
  NO_AUTH: 403,
  OUT_TRADE_NO_USED: 403,
  RULE_LIMIT: 403,
  TRADE_ERROR: 403,
  ACCOUNT_ERROR: 403,
  NOT_ENOUGH: 403,
  USER_ACCOUNT_ABNORMAL: 403,
  ORDER_NOT_EXIST: 404,
  RESOURCE_NOT_EXISTS: 404,
  FREQUENCY_LIMITED: 429,
  SYSTEM_ERROR: 500,
  BANK_ERROR: 500,
  OPENID_MISMATCH: 500,
  INVALID_TRANSACTIONID: 500,
  SERVICE_UNAVAILABLE: 503,
} as const;

export type WechatErrorCode = keyof typeof WECHAT_ERROR_STATUS;

/** §1 "Error body" detail; SIGN_ERROR adds `sign_information` (§10 "Request checks"). */
export interface WechatErrorDetail {
  field?: string;
  value?: unknown;
  issue?: string;
  location?: "body" | "query" | "path" | "header" | "authorization";
  sign_information?: {
    method: string;
    url: string;
    sign_message_length: number;
    truncated_sign_message: string;
  };
}

export class WechatApiError extends Error {
  readonly wechatCode: WechatErrorCode;
  readonly status: number;
  readonly detail: WechatErrorDetail | undefined;

  constructor(code: WechatErrorCode, message: string, detail?: WechatErrorDetail) {
    super(message);
    this.name = "WechatApiError";
    this.wechatCode = code;
    this.status = WECHAT_ERROR_STATUS[code];
    this.detail = detail;
  }

  /** The JSON body WeChat Pay sends with a non-2xx status (§1 "Error body"). */
  toBody(): { code: string; message: string; detail?: WechatErrorDetail } {
    return this.detail
      ? { code: this.wechatCode, message: this.message, detail: this.detail }
      : { code: this.wechatCode, message: this.message };
  }
}

/** 400 PARAM_ERROR naming the field (a JSON pointer for bodies, a name for query/path). */
export function paramError(
  field: string,
  issue: string,
  location: "body" | "query" | "path",
  value?: unknown,
): WechatApiError {
  return new WechatApiError("PARAM_ERROR", `${field}: ${issue}`, {
    field,
    ...(value === undefined ? {} : { value }),
    issue,
    location,
  });
}
