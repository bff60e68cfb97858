import { RequestValidationError } from "./errors.ts";
import type { JsapiPrepayRequest, RefundRequest } from "./types.ts";

/**
 * Checks made before anything is sent, each from a documented constraint. WeChat Pay
 * would refuse these later with PARAM_ERROR (or, worse, accept a truncated description);
 * refusing them here names the field and says what to change.
 */

const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/; // §5.1
const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/; // §5.4
/** RFC 3339 with an explicit offset (§1 "Dates"), e.g. 2015-05-20T13:29:35+08:00. */
const RFC3339_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
/** UTF-16 surrogates: a character outside the BMP, 4 bytes in UTF-8 (§1 "Charset"). */
const NON_BMP = /[\uD800-\uDFFF]/;

export interface ValidationOptions {
  /**
   * Accept an http:// notify_url on loopback: only when the client itself talks to a local
   * simulator over http (which delivers notifications on the same machine). WeChat Pay
   * proper notifies https URLs only (§5.1).
   */
  allowLoopbackNotifyUrl?: boolean;
}

export function validatePrepay(request: JsapiPrepayRequest, options: ValidationOptions = {}): void {
  checkText("description", request.description, { min: 1, max: 127 });
  checkOutTradeNo(request.out_trade_no);
  if (request.attach !== undefined) checkText("attach", request.attach, { min: 0, max: 128 });
  checkNotifyUrl("notify_url", request.notify_url, 255, options);
  if (request.time_expire !== undefined) checkTimeExpire(request.time_expire);
  checkFen("amount.total", request.amount?.total);
  checkCurrency("amount.currency", request.amount?.currency, false);
  checkOpenid(request.payer?.openid);
}

export function validateRefund(request: RefundRequest, options: ValidationOptions = {}): void {
  if (request.transaction_id === undefined && request.out_trade_no === undefined) {
    throw new RequestValidationError(
      "out_trade_no",
      "give the original order's out_trade_no or transaction_id",
    );
  }
  if (request.transaction_id !== undefined) checkTransactionId(request.transaction_id);
  if (request.out_trade_no !== undefined) checkOutTradeNo(request.out_trade_no);
  checkOutRefundNo(request.out_refund_no);
  if (request.reason !== undefined) checkText("reason", request.reason, { min: 0, max: 80 });
  if (request.notify_url !== undefined) checkNotifyUrl("notify_url", request.notify_url, 256, options);
  checkFen("amount.refund", request.amount?.refund);
  checkFen("amount.total", request.amount?.total);
  if (request.amount.refund > request.amount.total) {
    throw new RequestValidationError(
      "amount.refund",
      `${request.amount.refund} fen is more than the order total of ${request.amount.total} fen`,
    );
  }
  checkCurrency("amount.currency", request.amount.currency, true);
}

export function checkOutTradeNo(value: string): void {
  if (typeof value !== "string" || !OUT_TRADE_NO.test(value)) {
    throw new RequestValidationError(
      "out_trade_no",
      `must be 6-32 characters of 0-9 A-Z a-z _ - | * (got ${describe(value)})`,
    );
  }
}

export function checkOutRefundNo(value: string): void {
  if (typeof value !== "string" || !OUT_REFUND_NO.test(value)) {
    throw new RequestValidationError(
      "out_refund_no",
      `must be 1-64 characters of 0-9 A-Z a-z _ - | * @ (got ${describe(value)})`,
    );
  }
}

/** §5.2 string(32): WeChat's own id, digits in practice; only its shape is ours to check. */
export function checkTransactionId(value: string): void {
  if (typeof value !== "string" || !/^[0-9A-Za-z]{1,32}$/.test(value)) {
    throw new RequestValidationError(
      "transaction_id",
      `must be the 1-32 letters and digits WeChat Pay returned (got ${describe(value)})`,
    );
  }
}

/** §5.1 prepay_id is string(64); an empty one would sign a useless `prepay_id=` package. */
export function checkPrepayId(value: string): void {
  if (typeof value !== "string" || !/^[0-9A-Za-z_-]{1,64}$/.test(value)) {
    throw new RequestValidationError(
      "prepay_id",
      `must be the prepay_id from prepay, 1-64 characters (got ${describe(value)})`,
    );
  }
}

function checkText(field: string, value: string, limits: { min: number; max: number }): void {
  if (typeof value !== "string") throw new RequestValidationError(field, "must be a string");
  if (NON_BMP.test(value)) {
    throw new RequestValidationError(
      field,
      "contains a character outside the Basic Multilingual Plane (an emoji or a rare CJK character); WeChat Pay accepts only characters of 1-3 UTF-8 bytes, so remove it",
    );
  }
  if (value.length < limits.min || value.length > limits.max) {
    const range = limits.min > 0 ? `${limits.min}-${limits.max}` : `at most ${limits.max}`;
    throw new RequestValidationError(field, `must be ${range} characters, got ${value.length}`);
  }
}

function checkNotifyUrl(field: string, value: string, maxLength: number, options: ValidationOptions): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const loopback = url !== undefined && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  const allowedHttp = url?.protocol === "http:" && loopback && options.allowLoopbackNotifyUrl === true;
  if (!url || (url.protocol !== "https:" && !allowedHttp)) {
    throw new RequestValidationError(field, "must be an absolute https:// URL reachable from the internet");
  }
  if (url.search !== "" || value.includes("?")) {
    throw new RequestValidationError(field, "must not carry a query string; put identifiers in the path");
  }
  if (value.length > maxLength) {
    throw new RequestValidationError(field, `must be at most ${maxLength} characters, got ${value.length}`);
  }
}

function checkTimeExpire(value: string): void {
  if (typeof value !== "string" || !RFC3339_WITH_OFFSET.test(value) || Number.isNaN(Date.parse(value))) {
    throw new RequestValidationError(
      "time_expire",
      `must be RFC 3339 with an offset, e.g. 2025-05-20T13:29:35+08:00 (got ${describe(value)})`,
    );
  }
}

function checkFen(field: string, value: unknown): void {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new RequestValidationError(
      field,
      `must be a whole number of fen, at least 1 (1 = ¥0.01), got ${String(value)}`,
    );
  }
}

function checkCurrency(field: string, value: unknown, required: boolean): void {
  if (value === undefined && !required) return;
  if (value !== "CNY") throw new RequestValidationError(field, `must be "CNY", got ${String(value)}`);
}

function checkOpenid(value: unknown): void {
  if (typeof value !== "string" || value.length === 0 || value.length > 128) {
    throw new RequestValidationError(
      "payer.openid",
      "must be the payer's openid from code2Session under this appid, 1-128 characters",
    );
  }
}

/** Shows a bad value's shape without echoing a long or hostile string in full. */
function describe(value: unknown): string {
  if (typeof value !== "string") return typeof value;
  return value.length > 40 ? `${value.length} characters` : JSON.stringify(value);
}
