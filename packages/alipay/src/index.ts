/**
 * @kassa/alipay: a typed Alipay OpenAPI (v2 gateway) client for a mini-program backend.
 * Section numbers (A.n) in comments refer to docs/reference/alipay.md, Part A.
 */
export * from "./amounts.ts";
export * from "./api/bill-and-login.ts";
export type {
  RefundQueryRequest,
  RefundQueryResult,
  TradeCloseRequest,
  TradeCloseResult,
  TradeCreateRequest,
  TradeCreateResult,
  TradeQueryRequest,
  TradeQueryResult,
  TradeRef,
  TradeRefundRequest,
  TradeRefundResult,
} from "./api/trade.ts";
export * from "./bill.ts";
export * from "./cert-sn.ts";
export * from "./client.ts";
export * from "./client-options.ts";
export * from "./errors.ts";
export * from "./gateway.ts";
export * from "./keys.ts";
export * from "./notify.ts";
export * from "./response.ts";
export * from "./sign.ts";
