/**
 * One error family for everything the Alipay client can refuse or fail at.
 *
 * Callers branch on `code` (stable, UPPER_SNAKE) or on the subclass, never on the message.
 * `retryable` says whether sending the *same* request again may succeed. Section numbers
 * (A.n) refer to docs/reference/alipay.md, Part A ("the reference").
 */

/** Every code this package can raise, with the sentence a person reads first. */
export const ALIPAY_ERROR_CODES = {
  // Configuration: refused when the client is built, before anything is sent.
  CONFIG_INVALID: "The Alipay client configuration is invalid",
  // Our own request breaks a documented Alipay constraint and was not sent (A.1, A.5).
  REQUEST_INVALID: "The request breaks an Alipay constraint and was not sent",
  // Amounts (A.1: a yuan string with at most two decimals).
  AMOUNT_INVALID: "The amount is not a yuan amount with at most two decimals",
  // Verification of gateway responses (A.3).
  RESPONSE_SHAPE_INVALID: "The gateway's answer is not shaped as Alipay documents it",
  RESPONSE_SIGNATURE_MISSING: "The gateway's answer carries no sign",
  RESPONSE_SIGNATURE_INVALID: "The gateway's answer does not match its sign",
  RESPONSE_CERT_SN_MISMATCH: "The answer is signed under another Alipay public certificate (alipay_cert_sn)",
  // Notifications (A.4).
  NOTIFY_SIGNATURE_INVALID: "The notification does not match its sign",
  NOTIFY_SHAPE_INVALID: "The notification is not shaped as Alipay documents it",
  NOTIFY_APP_MISMATCH: "The notification is for another app_id or seller_id than this client's",
  // Answers from Alipay (A.3 gateway codes, A.5 sub_codes).
  API_ERROR: "Alipay answered with an error",
  // Transport.
  NETWORK_ERROR: "The Alipay gateway could not be reached",
  TIMEOUT: "The Alipay gateway did not answer in time",
  OUTCOME_UNKNOWN:
    "A mutating call got no trustworthy answer: it may or may not have taken effect; query before retrying",
} as const;

export type AlipayErrorCode = keyof typeof ALIPAY_ERROR_CODES;

export interface AlipayErrorOptions {
  retryable?: boolean;
  cause?: unknown;
  /** Safe-to-log facts that explain the failure. Never contains a key or a secret. */
  diagnostics?: Record<string, unknown>;
}

export class AlipayError extends Error {
  readonly code: AlipayErrorCode;
  readonly retryable: boolean;
  readonly diagnostics: Readonly<Record<string, unknown>>;

  constructor(code: AlipayErrorCode, detail?: string, options: AlipayErrorOptions = {}) {
    const headline = ALIPAY_ERROR_CODES[code];
    super(detail ? `${headline}: ${detail}` : headline, { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.diagnostics = Object.freeze({ ...options.diagnostics });
  }
}

/** A response or notification failed its signature or certificate check (A.3, A.4). */
export class AlipayVerificationError extends AlipayError {}

/** A request was refused locally because it breaks a documented constraint. */
export class AlipayRequestValidationError extends AlipayError {
  readonly field: string;
  constructor(field: string, issue: string) {
    super("REQUEST_INVALID", `${field}: ${issue}`, { diagnostics: { field } });
    this.field = field;
  }
}

export interface AlipayApiErrorInit {
  /** The gateway code, e.g. "40004" (A.3). */
  gatewayCode: string;
  msg: string;
  /** e.g. "ACQ.TRADE_NOT_EXIST" (A.5); absent on some gateway-level errors. */
  subCode: string | undefined;
  subMsg: string | undefined;
  /** The `<method>_response` (or `error_response`) key the error came under. */
  responseKey: string;
  /** False when the gateway sent the error without a sign (it does so for some 400xx errors). */
  signatureVerified: boolean;
}

/**
 * Alipay answered `code` != 10000. Kassa's own `code` is always `API_ERROR`; Alipay's codes are
 * `gatewayCode` (`code` on the wire), `subCode` (`sub_code`) and `subMsg` (`sub_msg`).
 */
export class AlipayApiError extends AlipayError {
  readonly gatewayCode: string;
  readonly msg: string;
  readonly subCode: string | undefined;
  readonly subMsg: string | undefined;
  readonly responseKey: string;
  readonly signatureVerified: boolean;

  constructor(init: AlipayApiErrorInit) {
    const detail = [init.gatewayCode, init.msg, init.subCode, init.subMsg].filter(Boolean).join(" ");
    super("API_ERROR", detail, {
      retryable: isRetryable(init.gatewayCode, init.subCode),
      diagnostics: { gatewayCode: init.gatewayCode, subCode: init.subCode, responseKey: init.responseKey },
    });
    this.gatewayCode = init.gatewayCode;
    this.msg = init.msg;
    this.subCode = init.subCode;
    this.subMsg = init.subMsg;
    this.responseKey = init.responseKey;
    this.signatureVerified = init.signatureVerified;
  }
}

/**
 * A.3: `20000` is "service unavailable, retry"; A.1: `ACQ.SYSTEM_ERROR` asks for a retry with
 * identical parameters (then a query). Everything else needs a change before it can succeed.
 */
function isRetryable(gatewayCode: string, subCode: string | undefined): boolean {
  return gatewayCode === "20000" || subCode === "ACQ.SYSTEM_ERROR";
}

/** The transport failed: no connection, a reset, or no answer in time. */
export class AlipayNetworkError extends AlipayError {}
