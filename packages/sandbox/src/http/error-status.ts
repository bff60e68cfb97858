import type { SandboxErrorCode } from "../errors.ts";

/**
 * The only place a sandbox error code becomes an HTTP status (design.md convention 6),
 * shared by the admin scope and the payer's cashier. Exhaustive: a new code does not
 * compile until it has a status here.
 */
export function sandboxErrorStatus(code: SandboxErrorCode): number {
  switch (code) {
    case "ADMIN_REQUEST_INVALID":
    case "FAULT_RULE_INVALID":
    case "CONFIG_INVALID":
    case "PAYMENT_REQUEST_INVALID":
    case "APPID_MISMATCH":
    case "PAY_SIGN_INVALID":
      return 400;
    case "ADMIN_FORBIDDEN":
      return 403;
    case "MERCHANT_NOT_FOUND":
    case "ORDER_NOT_FOUND":
    case "REFUND_NOT_FOUND":
    case "NOTIFICATION_NOT_FOUND":
    case "PREPAY_NOT_FOUND":
    case "FAULT_RULE_NOT_FOUND":
    case "ROUTE_NOT_FOUND":
    case "ALIPAY_APP_NOT_FOUND":
    case "ALIPAY_TRADE_NOT_FOUND":
      return 404;
    case "MERCHANT_EXISTS":
    case "MERCHANT_HAS_NO_CERTIFICATES":
    case "ORDER_TRANSITION_REFUSED":
    case "REFUND_TRANSITION_REFUSED":
    case "ORDER_NOT_PAYABLE":
    case "ALIPAY_APP_EXISTS":
    case "ALIPAY_APP_IN_KEY_MODE":
    case "ALIPAY_TRADE_NOT_PAYABLE":
      return 409;
    case "PREPAY_EXPIRED":
      return 410;
    case "STATE_UNREADABLE":
    case "STATE_WRITE_FAILED":
      return 500;
  }
}
