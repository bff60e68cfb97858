/**
 * One error family for everything the client can refuse or fail at.
 *
 * Callers branch on `code` (stable, UPPER_SNAKE) or on the subclass, never on the message.
 * `retryable` says whether sending the *same* request again may succeed (reference §5.8).
 */

/** Every code this package can raise, with the sentence a person reads first. */
export const WECHATPAY_ERROR_CODES = {
  // Configuration: refused when the client is built, before anything is sent.
  CONFIG_INVALID: "The client configuration is invalid",
  // Our own request failed a documented WeChat constraint before it was sent (§5.1, §5.4).
  REQUEST_INVALID: "The request breaks a WeChat Pay constraint and was not sent",
  // Verification of responses and notifications (§3).
  VERIFY_HEADERS_MISSING: "A Wechatpay-* header needed for verification is missing",
  VERIFY_SIGNATURE_TYPE_UNSUPPORTED: "The Wechatpay-Signature-Type is not WECHATPAY2-SHA256-RSA2048",
  VERIFY_TIMESTAMP_OUT_OF_WINDOW: "The Wechatpay-Timestamp is 5 minutes or more away from our clock",
  VERIFY_SERIAL_UNKNOWN: "No WeChat Pay key with this Wechatpay-Serial is known",
  VERIFY_SIGNATURE_PROBE: "The signature is a WECHATPAY/SIGNTEST/ probe, refused as WeChat Pay expects",
  VERIFY_SIGNATURE_INVALID: "The signature does not match the message",
  // Notifications (§4).
  NOTIFY_ALGORITHM_UNSUPPORTED: "The notification resource is not encrypted with AEAD_AES_256_GCM",
  NOTIFY_DECRYPTION_FAILED: "The notification resource did not decrypt: wrong APIv3 key or tampered data",
  NOTIFY_SHAPE_INVALID: "The notification is not shaped as WeChat Pay documents it",
  // Certificates (§3.4).
  CERTIFICATES_UNAVAILABLE: "The platform certificates could not be downloaded or trusted",
  // Bills (§5.7).
  BILL_HASH_MISMATCH: "The downloaded bill does not match its SHA-1 hash_value",
  BILL_FORMAT_INVALID: "The bill file is not laid out as WeChat Pay documents it",
  // Sensitive-field encryption (§6).
  SENSITIVE_DECRYPTION_FAILED: "The sensitive field did not decrypt with the merchant private key",
  // Answers from WeChat Pay (§5.8).
  API_ERROR: "WeChat Pay answered with an error",
  API_RESPONSE_INVALID: "WeChat Pay's answer could not be read",
  // Transport (§5.8).
  NETWORK_ERROR: "WeChat Pay could not be reached",
  TIMEOUT: "WeChat Pay did not answer in time",
  OUTCOME_UNKNOWN:
    "A mutating call got no answer: it may or may not have taken effect; query before retrying",
  // code2Session (§7.2).
  LOGIN_FAILED: "code2Session refused the login code",
} as const;

export type WechatPayErrorCode = keyof typeof WECHATPAY_ERROR_CODES;

export interface WechatPayErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  /** Safe-to-log facts that explain the failure. Never contains a key or a secret. */
  diagnostics?: Record<string, unknown>;
}

export class WechatPayError extends Error {
  readonly code: WechatPayErrorCode;
  readonly retryable: boolean;
  readonly diagnostics: Readonly<Record<string, unknown>>;

  constructor(code: WechatPayErrorCode, detail?: string, options: WechatPayErrorOptions = {}) {
    const headline = WECHATPAY_ERROR_CODES[code];
    super(detail ? `${headline}: ${detail}` : headline, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.diagnostics = Object.freeze({ ...options.diagnostics });
  }
}

/** A signature, timestamp, serial or probe check failed (§3). Never retryable as such. */
export class VerificationError extends WechatPayError {}

/** A notification could not be turned into a trusted event (§4). */
export class NotificationError extends WechatPayError {}

/** A request was refused locally because it breaks a documented constraint. */
export class RequestValidationError extends WechatPayError {
  readonly field: string;
  constructor(field: string, issue: string) {
    super("REQUEST_INVALID", `${field}: ${issue}`, { diagnostics: { field } });
    this.field = field;
  }
}

/** How an API error should be handled, by family (reference §5.8). */
export type ApiErrorFamily =
  | "invalid_request" // 400: fix the request
  | "authentication" // 401 SIGN_ERROR: clock, key or serial
  | "permission" // 403: business rule, product not enabled, out_trade_no reused
  | "not_found" // 404
  | "rate_limited" // 429
  | "server"; // 5xx

export interface ApiErrorInit {
  status: number;
  wechatCode: string;
  wechatMessage: string;
  requestId: string | undefined;
  detail: unknown;
  retryable: boolean;
  family: ApiErrorFamily;
}

/** WeChat Pay answered with a non-2xx status and an error body. */
export class WechatPayApiError extends WechatPayError {
  readonly status: number;
  /** WeChat's own code, e.g. `ORDER_NOT_EXIST`. Old spellings are normalised (see `normaliseWechatCode`). */
  readonly wechatCode: string;
  readonly wechatMessage: string;
  readonly requestId: string | undefined;
  readonly detail: unknown;
  readonly family: ApiErrorFamily;

  constructor(init: ApiErrorInit) {
    super("API_ERROR", `${init.status} ${init.wechatCode} ${init.wechatMessage}`.trim(), {
      retryable: init.retryable,
      diagnostics: { status: init.status, wechatCode: init.wechatCode, requestId: init.requestId },
    });
    this.status = init.status;
    this.wechatCode = init.wechatCode;
    this.wechatMessage = init.wechatMessage;
    this.requestId = init.requestId;
    this.detail = init.detail;
    this.family = init.family;
  }
}

/** The transport failed: no connection, a reset, or no answer in time. */
export class WechatPayNetworkError extends WechatPayError {}

/** code2Session answered with a non-zero errcode (§7.2). */
export class LoginError extends WechatPayError {
  readonly errcode: number;
  readonly errmsg: string;
  constructor(errcode: number, errmsg: string, retryable: boolean) {
    super("LOGIN_FAILED", `errcode ${errcode} ${errmsg}`, { retryable, diagnostics: { errcode } });
    this.errcode = errcode;
    this.errmsg = errmsg;
  }
}
