import type { ErrorCode } from "../domain/errors.ts";

/** The HTTP status of each code: the only place a status is chosen (design.md convention 6). */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case "REQUEST_INVALID":
    case "REQUEST_MALFORMED_JSON":
    case "IDEMPOTENCY_KEY_INVALID":
    case "ORDER_AMOUNT_TOO_LARGE":
    case "ORDER_QUANTITY_TOO_LARGE":
    case "WEBHOOK_URL_INVALID":
    case "WEBHOOK_HOST_NOT_ALLOWED":
    case "WEBHOOK_ADDRESS_REFUSED":
      return 400;
    case "AUTH_SESSION_REQUIRED":
    case "AUTH_SESSION_INVALID":
    case "AUTH_LOGIN_CODE_INVALID":
    case "MERCHANT_KEY_REQUIRED":
    case "MERCHANT_KEY_INVALID":
    case "ADMIN_SESSION_REQUIRED":
    case "ADMIN_LOGIN_FAILED":
    case "ADMIN_TOTP_REQUIRED":
      return 401;
    case "MERCHANT_KEY_SCOPE":
    case "ADMIN_CSRF_INVALID":
    case "ADMIN_FORBIDDEN":
      return 403;
    case "ROUTE_NOT_FOUND":
    case "ORDER_NOT_FOUND":
    case "ALERT_NOT_FOUND":
    case "APP_NOT_FOUND":
    case "PRODUCT_NOT_FOUND":
    case "CATALOG_PRODUCT_NOT_FOUND":
    case "WEBHOOK_ENDPOINT_NOT_FOUND":
    case "WEBHOOK_DELIVERY_NOT_FOUND":
    case "RECONCILIATION_RUN_NOT_FOUND":
      return 404;
    case "IDEMPOTENCY_KEY_IN_PROGRESS":
    case "ORDER_NOT_PAYABLE":
    case "ORDER_NOT_CANCELLABLE":
    case "ORDER_LIMIT_REACHED":
    case "PRODUCT_OUT_OF_STOCK":
    case "PRODUCT_ID_TAKEN":
    case "OPERATOR_LOGIN_TAKEN":
    case "PRODUCT_STOCK_TOO_LOW":
    case "WALLET_INSUFFICIENT_FUNDS":
    case "WEBHOOK_ENDPOINT_LIMIT":
    case "WEBHOOK_ENDPOINT_DISABLED":
    case "RECONCILIATION_DAY_NOT_AVAILABLE":
      return 409;
    case "REQUEST_TIMEOUT":
      return 408;
    case "REQUEST_BODY_TOO_LARGE":
      return 413;
    case "REQUEST_UNSUPPORTED_MEDIA_TYPE":
      return 415;
    case "REQUEST_HEADERS_TOO_LARGE":
      return 431;
    case "IDEMPOTENCY_KEY_REUSED":
      return 422;
    case "RATE_LIMITED":
    case "ADMIN_LOGIN_LOCKED":
      return 429;
    case "CHANNEL_REJECTED":
      return 502;
    case "CHANNEL_UNAVAILABLE":
    case "WEBHOOK_MASTER_KEY_MISSING":
      return 503;
    case "CHANNEL_OUTCOME_UNKNOWN":
      return 504;
    case "INTERNAL_ERROR":
      return 500;
  }
}
