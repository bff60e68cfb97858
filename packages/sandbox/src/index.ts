/**
 * @kassa/sandbox: the WeChat Pay API v3 simulator. Section numbers in comments refer to
 * docs/reference/wechatpay-v3.md ("the reference"); ARCHITECTURE.md maps the modules.
 */
export type { AdminApi } from "./admin/admin-api.ts";
export type { NotificationAttemptView, NotificationView, RefundView } from "./admin/payment-views.ts";
export type { MerchantSettingsView, NotificationFilter, PaymentsAdmin } from "./admin/payments-admin.ts";
export type { ClockView, LoginCodeView, MerchantView, OrderView } from "./admin/views.ts";
export type {
  AlipayAdmin,
  AlipayAppView,
  AlipayAuthCodeView,
  AlipayCredentials,
  AlipayTradeView,
} from "./alipay/admin.ts";
export type { AlipayAppFiles } from "./alipay/app-files.ts";
export { ALIPAY_GATEWAY_PATH } from "./alipay/gateway-route.ts";
export { ALIPAY_RETRY_LADDER_MS } from "./alipay/notifications.ts";
export type { AlipayNotificationRecord, AlipayTradeStatus } from "./alipay/records.ts";
export { FEE_RATE_PPM } from "./bills/fees.ts";
export { VirtualClock } from "./clock.ts";
export {
  type AlipayAppSeed,
  loadConfigFile,
  parseConfig,
  type SandboxConfig,
  type SandboxConfigInput,
} from "./config.ts";
export type { SandboxContext } from "./context.ts";
export { isOpenidIssued, LOGIN_CODE_TTL_MS } from "./domain/login-codes.ts";
export type { OrderRecord, PrepayRecord } from "./domain/order-record.ts";
export { nextOrderState, ORDER_TRANSITIONS, type OrderEvent, type OrderState } from "./domain/order-state.ts";
export {
  closeOrder,
  findOrder,
  findOrderByTransactionId,
  markPaid,
  transitionOrder,
} from "./domain/orders.ts";
export { findPrepay, PREPAY_TTL_MS } from "./domain/prepay.ts";
export type { RefundRecord, SettledRefundStatus } from "./domain/refund-record.ts";
export { REFUND_TRANSITIONS, type RefundStatus } from "./domain/refund-state.ts";
export { toRefund, toRefundNotificationResource } from "./domain/refund-view.ts";
export { createRefund, findRefund } from "./domain/refunds.ts";
export { toTransaction } from "./domain/transaction-view.ts";
export { SANDBOX_ERROR_CODES, SandboxError, type SandboxErrorCode } from "./errors.ts";
export { type FaultKindDefinition, FaultRegistry, type FaultRule, HTTP_FAULT_KINDS } from "./faults.ts";
export type { MerchantEndpoint } from "./http/merchant-endpoint.ts";
export { signResponse } from "./http/response-signing.ts";
export type { MerchantFiles } from "./identity/merchant-files.ts";
export type { MerchantRecord, PlatformCertificateRecord } from "./identity/merchant-record.ts";
export { NOTIFICATION_FAULT_KINDS, NOTIFICATION_TARGETS } from "./notify/notification-faults.ts";
export type {
  NotificationAttempt,
  NotificationRecord,
  NotificationStatus,
} from "./notify/notification-record.ts";
export { resendNotification } from "./notify/notifications.ts";
export { MAX_ATTEMPTS, RETRY_LADDER_MS } from "./notify/retry-ladder.ts";
export { PAYER_FAILURES, type PayerFailure, type PayerOutcome, payOrder } from "./payer/payer-actions.ts";
export { RandomSource, RandomStream } from "./random.ts";
export { type RunningSandbox, type StartSandboxOptions, startSandbox } from "./start.ts";
export { WECHAT_ERROR_STATUS, WechatApiError, type WechatErrorCode } from "./wechat-error.ts";
