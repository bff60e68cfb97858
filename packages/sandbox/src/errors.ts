/**
 * The simulator's own error registry: failures of the admin API, the configuration and
 * the data directory. (What the simulated WeChat Pay answers is in `wechat-error.ts`,
 * with WeChat's codes.) Callers branch on `code`; the admin HTTP status is chosen only
 * at the edge (`http/admin-scope.ts`), by an exhaustive switch.
 */
export const SANDBOX_ERROR_CODES = {
  CONFIG_INVALID: "The sandbox configuration is invalid",
  STATE_UNREADABLE: "The data directory's state.json could not be read",
  STATE_WRITE_FAILED: "The sandbox state could not be written to the data directory",
  ADMIN_REQUEST_INVALID: "The admin request is malformed",
  ADMIN_FORBIDDEN: "The admin API answers loopback clients only",
  MERCHANT_NOT_FOUND: "No merchant with this mchid or appid exists in this sandbox",
  MERCHANT_EXISTS: "A merchant with this mchid or appid already exists",
  MERCHANT_HAS_NO_CERTIFICATES: "This merchant is in public-key mode only and has no platform certificates",
  ORDER_NOT_FOUND: "No order with this mchid and out_trade_no exists",
  ORDER_TRANSITION_REFUSED: "The order cannot make this transition from its current state",
  REFUND_NOT_FOUND: "No refund with this mchid and out_refund_no exists",
  REFUND_TRANSITION_REFUSED: "The refund cannot take this outcome from its current status",
  NOTIFICATION_NOT_FOUND: "No notification with this id exists",
  PAYMENT_REQUEST_INVALID: "The wx.requestPayment parameters are malformed",
  PREPAY_NOT_FOUND: "No prepay_id like this one was issued by this sandbox",
  APPID_MISMATCH: "The appId is not the appid the prepay_id was issued for (§7.1)",
  PAY_SIGN_INVALID: "paySign does not verify with the merchant's API certificate (§7.1)",
  PREPAY_EXPIRED: "The prepay_id has expired (it lives 2 hours, §5.1): prepay again for a fresh one",
  ORDER_NOT_PAYABLE: "The order cannot be paid in its current state",
  FAULT_RULE_INVALID: "The fault rule is invalid",
  FAULT_RULE_NOT_FOUND: "No fault rule with this id exists",
  ROUTE_NOT_FOUND: "No admin route at this path",
  ALIPAY_APP_NOT_FOUND: "No Alipay app with this appId exists in this sandbox",
  ALIPAY_APP_EXISTS: "An Alipay app with this appId already exists",
  ALIPAY_APP_IN_KEY_MODE: "This Alipay app is in public-key mode and has no certificates",
  ALIPAY_TRADE_NOT_FOUND: "No Alipay trade with this appId and out_trade_no exists",
  ALIPAY_TRADE_NOT_PAYABLE: "The Alipay trade is not WAIT_BUYER_PAY, so it cannot be paid",
} as const;

export type SandboxErrorCode = keyof typeof SANDBOX_ERROR_CODES;

export class SandboxError extends Error {
  readonly code: SandboxErrorCode;

  constructor(code: SandboxErrorCode, detail?: string, options: { cause?: unknown } = {}) {
    const headline = SANDBOX_ERROR_CODES[code];
    super(detail ? `${headline}: ${detail}` : headline, { cause: options.cause });
    this.name = "SandboxError";
    this.code = code;
  }
}
