/**
 * Every error code the service can answer with, and the sentence a person reads first
 * (design.md convention 6). Codes are stable: clients branch on them. The HTTP status of
 * each is chosen only in `http/error-status.ts`, by an exhaustive switch, and
 * `docs/errors.md` is kept in step with this table by a test.
 */
export const ERROR_CODES = {
  REQUEST_INVALID: "The request does not match the endpoint's schema; `details` says which field and why",
  REQUEST_BODY_TOO_LARGE: "The request body is larger than this endpoint accepts",
  REQUEST_MALFORMED_JSON: "The request body is not valid JSON",
  REQUEST_UNSUPPORTED_MEDIA_TYPE: "Send the body as application/json",
  REQUEST_TIMEOUT: "The request did not arrive in time; the connection is closed, send the request again",
  REQUEST_HEADERS_TOO_LARGE: "The request headers are larger than Kassa accepts",
  ROUTE_NOT_FOUND: "No endpoint has this method and path",
  RATE_LIMITED: "Too many requests; wait for the time in Retry-After, then try again",
  AUTH_SESSION_REQUIRED: "Send the session token from POST /v1/session as `Authorization: Bearer <token>`",
  AUTH_SESSION_INVALID: "The session token is unknown or expired; log in again with a new wx.login code",
  AUTH_LOGIN_CODE_INVALID:
    "The channel refused the login code (expired, used, or from another app); call wx.login (in Alipay, my.getAuthCode) again",
  IDEMPOTENCY_KEY_INVALID: "Idempotency-Key must be 1-255 printable ASCII characters",
  IDEMPOTENCY_KEY_REUSED: "This Idempotency-Key was used with a different request body; use a new key",
  IDEMPOTENCY_KEY_IN_PROGRESS:
    "A request with this Idempotency-Key is still being processed; retry in a moment",
  APP_CHANNEL_NOT_CONFIGURED:
    "This app takes no payments through the channel named: log in with `channel` set to one the operator configured for the app (KASSA_APPS_FILE gives each app its wechat and alipay accounts)",
  APP_NOT_FOUND:
    "No app with this id is served here; use an app id from the operator's KASSA_APPS_FILE, or leave `app` out for the default app",
  PRODUCT_NOT_FOUND: "A product in the order does not exist or is no longer sold",
  PRODUCT_OUT_OF_STOCK: "A product in the order does not have enough stock left",
  ORDER_NOT_FOUND: "No order with this id belongs to you",
  ORDER_NOT_PAYABLE: "The order can no longer be paid (it is closed or paid); create a new order",
  ORDER_NOT_CANCELLABLE:
    "The order is already paid and cannot be cancelled; ask the merchant for a refund (merchants refund through POST /merchant/v1/orders/{orderId}/refunds)",
  ORDER_AMOUNT_TOO_LARGE: "The order total exceeds the largest amount one order may carry",
  ORDER_QUANTITY_TOO_LARGE:
    "One order may take at most 99 units of a product (lines of the same product are added up); `details.productId` says which",
  ORDER_LIMIT_REACHED:
    "You have too many unpaid orders or units on hold; pay or cancel an open order first (`details` says which limit)",
  ORDER_NOT_REFUNDABLE:
    "Only a paid order can be refunded, and this one is not paid (`details.status`); an unpaid order is cancelled instead",
  REFUND_AMOUNT_TOO_LARGE:
    "The refund is more than what is left to refund of this order (`details.refundableFen`, refunds still processing count as taken); nothing was refunded",
  REFUND_NOT_FOUND: "No refund with this id belongs to this app",
  REFUND_NOT_ABNORMAL:
    "Only an ABNORMAL refund can be retried or marked settled offline; this one is `details.status`, so nothing changed",
  CHANNEL_UNAVAILABLE: "WeChat Pay could not be reached; the request changed nothing, try again",
  CHANNEL_OUTCOME_UNKNOWN:
    "WeChat Pay did not confirm in time; Kassa is checking, ask for the order's status",
  CHANNEL_REJECTED: "WeChat Pay refused the request; `details` carries its code",
  MERCHANT_KEY_REQUIRED:
    "Send a merchant API key as `Authorization: Bearer sk_…`; make one with `npm run kassa -- keys create --app <appId>`",
  MERCHANT_KEY_INVALID:
    "The API key is unknown, revoked or malformed; check it was copied whole, or make a new one with `npm run kassa -- keys create`",
  MERCHANT_KEY_SCOPE:
    "This API key lacks the scope this call needs (`details.needs`: GETs need read, POSTs write); make a key with `--scopes read,write`",
  API_KEY_NOT_FOUND: "No API key with this id belongs to this app",
  CATALOG_PRODUCT_NOT_FOUND: "No product with this id is in this app's catalog",
  PRODUCT_ID_TAKEN:
    "A product with this id exists already; choose another id, or leave `id` out and Kassa makes one",
  PRODUCT_STOCK_TOO_LOW:
    "The adjustment would take the stock below zero; nothing changed, `details.stock` is what is left",
  WALLET_INSUFFICIENT_FUNDS:
    "The wallet's balance is lower than this payment; nothing was charged: top up the wallet or pay through WeChat Pay (`details.account` names the wallet)",
  WALLET_TIER_NOT_FOUND:
    "No top-up tier with this id is offered in this app; list its tiers (GET /v1/wallet/tiers, or GET /merchant/v1/wallet/tiers) and use one of their ids",
  WALLET_TOP_UP_AMOUNT_OUT_OF_BOUNDS:
    "A custom top-up must be whole fen within this app's bounds (`details.minFen` to `details.maxFen`); choose an amount between them or a tier",
  WALLET_PAYMENT_NOT_ALLOWED:
    "A wallet top-up cannot be paid from the wallet itself; pay it with WeChat Pay (POST /v1/orders/{id}/pay)",
  ORDER_ALREADY_AT_CHANNEL:
    "This order was already sent to WeChat Pay, so it cannot be paid from the wallet; pay it in WeChat, or cancel it and order again",
  WALLET_USER_NOT_FOUND: "No payer with this user id has logged in to this app",
  ADMIN_SESSION_REQUIRED:
    "Log in to the console first (POST /admin/v1/session); the session cookie is missing or has ended",
  ADMIN_LOGIN_FAILED: "The login or the password is wrong (or the one-time code, when the account has one)",
  ADMIN_LOGIN_LOCKED:
    "Too many failed logins for this account; it is locked for a while (Retry-After says how long), and the other operators were alerted",
  ADMIN_TOTP_REQUIRED:
    "This account has a second factor: send the 6-digit code of its authenticator app as `totp`",
  ADMIN_CSRF_INVALID:
    "A change needs the X-CSRF-Token header with the csrfToken of GET /admin/v1/session; reload the console",
  ADMIN_FORBIDDEN: "Your role may not do this (`details.needs` says which permission it takes); ask an admin",
  OPERATOR_LOGIN_TAKEN: "An operator with this login exists already; choose another login",
  ALERT_NOT_FOUND: "No alert with this id is visible to you",
  ALERT_RESOLVED:
    "This alert was resolved already (`details.resolvedBy`, `details.resolvedAt`); nothing changed. The same problem coming back raises a new alert",
  RISK_THROTTLED:
    "Too many failed or cancelled payments lately (`details.rule` says which rule); paying is paused: try again after the time in Retry-After",
  ADMIN_REFUND_ABOVE_ROLE_LIMIT:
    "Your role may refund at most `details.limitFen` fen at once; nothing was refunded: ask a finance operator",
  REFUND_APPROVAL_NOT_FOUND: "No refund approval with this id is visible to you",
  REFUND_APPROVAL_OWN:
    "The operator who asked for this refund cannot approve or reject it: a second operator decides (maker-checker)",
  REFUND_APPROVAL_DECIDED: "This refund approval was decided already (`details.status`); nothing changed",
  ORDER_NOT_CLOSABLE:
    "Only an unpaid order can be closed; this one is `details.status` (a paid order is refunded instead)",
  WEBHOOK_URL_INVALID:
    "The endpoint URL must be an absolute https:// URL (http:// also in demo mode) without credentials or a fragment, at most 2048 characters",
  WEBHOOK_HOST_NOT_ALLOWED:
    "The URL's host is not on this app's list of webhook domains; ask the operator to add it (KASSA_WEBHOOK_DOMAINS, or webhookDomains in KASSA_APPS_FILE)",
  WEBHOOK_ADDRESS_REFUSED:
    "The URL points at an address Kassa never sends to (loopback, private, link-local, metadata); `details.reason` says which. Use the public address of your server",
  WEBHOOK_MASTER_KEY_MISSING:
    "Kassa has no master key to encrypt webhook secrets with; the operator must set KASSA_MASTER_KEY_FILE (docs/configuration.md) and restart",
  METRICS_TOKEN_REQUIRED:
    "/metrics needs `Authorization: Bearer <KASSA_METRICS_TOKEN>`; in production it is served only once the operator sets KASSA_METRICS_TOKEN (docs/operations.md)",
  WEBHOOK_ENDPOINT_NOT_FOUND: "No webhook endpoint with this id belongs to this app",
  WEBHOOK_ENDPOINT_LIMIT: "This app has the most webhook endpoints it may have (16); delete one first",
  WEBHOOK_ENDPOINT_DISABLED:
    "The webhook endpoint is disabled, so nothing is sent to it; enable it first (POST .../enable)",
  WEBHOOK_DELIVERY_NOT_FOUND: "No delivery with this id belongs to this webhook endpoint",
  RECONCILIATION_RUN_NOT_FOUND:
    "This day has not been reconciled for this channel; days are reconciled after 10:00 Beijing time the next day, or ask for it with POST …/rerun",
  RECONCILIATION_DAY_NOT_AVAILABLE:
    "Only a past Beijing-time day whose bills are out can be reconciled: yesterday from 10:00 Beijing time, and at most 3 months back (`details.latestReadyDay`)",
  BOOKING_SERVICE_NOT_FOUND: "No booking service with this id belongs to this app",
  BOOKING_SLOT_NOT_FOUND: "No time slot with this id is offered in this app",
  BOOKING_POLICY_INVALID:
    "The cancellation policy is not one Kassa can apply (`details.reason` says why): tiers of whole `beforeStartHours` 1-8760, distinct, with a whole `refundPercent` 0-100 that never grows nearer the start",
  BOOKING_TIME_INVALID:
    "The slot's times are not valid (`details.reason`): `start` and `end` are wall-clock times YYYY-MM-DDTHH:mm in `timeZone` (an IANA name, Asia/Shanghai by default), and the end comes after the start",
  BOOKING_SLOT_NOT_BOOKABLE:
    "This slot takes no bookings (`details.status`; `details.started` when it has begun); choose another slot",
  BOOKING_SLOT_FULL: "The slot does not have this many seats left (`details.seatsLeft`); nothing was held",
  BOOKING_CAPACITY_BELOW_TAKEN:
    "The capacity may not go below the seats already taken (`details.seatsTaken`); nothing changed",
  BOOKING_SLOT_CANCELLED: "The slot was cancelled; it can no longer be changed or closed",
  BOOKING_NOT_FOUND: "No booking with this order id or ticket code belongs to you (or to this app)",
  BOOKING_NOT_CANCELLABLE:
    "Only a paid booking can be cancelled, before its slot starts (`details.status`, `details.started`); an unpaid one is cancelled as an order (POST /v1/orders/{id}/cancel)",
  BOOKING_NOT_ADMITTED:
    "This ticket does not admit anyone (`details.status`: not paid yet, or cancelled); nobody was checked in",
  BOOKING_ALREADY_CHECKED_IN:
    "This ticket was checked in already, at `details.checkedInAt`; a ticket admits once",
  TIP_RECIPIENT_NOT_FOUND: "No tip recipient with this id belongs to this app",
  TIP_RECIPIENT_INACTIVE:
    "This recipient takes no tips now (the merchant deactivated them); choose another recipient from GET /v1/tip-recipients",
  TIP_RULES_INVALID:
    "The tipping rules are not ones Kassa can apply (`details.reason`): whole fen with 1 <= minFen <= maxFen, a dailyCapFen of at least minFen, and at most 8 distinct presets within minFen and maxFen",
  TIP_AMOUNT_BELOW_MINIMUM:
    "The tip is less than this recipient's minimum (`details.minFen`); nothing was charged, choose an amount from `details.minFen` to `details.maxFen`",
  TIP_AMOUNT_ABOVE_MAXIMUM:
    "The tip is more than this recipient's maximum per tip (`details.maxFen`); nothing was charged, choose an amount from `details.minFen` to `details.maxFen`",
  TIP_DAILY_CAP_REACHED:
    "This tip would take what you tipped this recipient today above their daily cap (`details.dailyCapFen`; `details.leftTodayFen` is what is left today, in the recipient's time zone); nothing was charged",
  TIP_MESSAGE_INVALID:
    "The message cannot be kept (`details.reason`): one line of at most 140 characters, no control characters",
  TIP_PAYOUT_ABOVE_BALANCE:
    "The payout is more than the recipient is owed (`details.balanceFen`); nothing was recorded",
  TIP_REFUND_ABOVE_PAYABLE:
    "The recipient was paid out this tip's money already: a refund may give back at most what the recipient is still owed (`details.payableFen`); nothing was refunded",
  INTERNAL_ERROR: "Something went wrong on our side; the request id helps the operator find it",
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

/** An expected refusal, raised by use cases and turned into the error envelope at the edge. */
export class KassaError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, details?: Record<string, unknown>, message?: string) {
    super(message ?? ERROR_CODES[code]);
    this.name = "KassaError";
    this.code = code;
    this.details = details;
  }
}
