/**
 * @kassa/wechatpay: a typed WeChat Pay API v3 client for a mini-program backend.
 * Section numbers in comments refer to docs/reference/wechatpay-v3.md ("the reference").
 */
export * from "./aead.ts";
export * from "./api/bill.ts";
export * from "./api/certificates.ts";
export type { EndpointContext } from "./api/context.ts";
export * from "./api/jsapi.ts";
export * from "./api/refunds.ts";
export * from "./api/transactions.ts";
export * from "./api-error.ts";
export { fenToYuan, type MilliFen, milliFenToYuan, yuanToFen, yuanToMilliFen } from "./bill/amounts.ts";
export * from "./bill/bill-download.ts";
export * from "./bill/bill-file.ts";
export { billLines, MAX_BILL_LINE_CHARS } from "./bill/bill-lines.ts";
export type { BillEvent, BillParseOptions, ParsedBill } from "./bill/bill-parser.ts";
export * from "./bill/fund-flow-bill.ts";
export * from "./bill/trade-bill.ts";
export * from "./client.ts";
export * from "./client-options.ts";
export * from "./errors.ts";
export * from "./headers.ts";
export * from "./keyring.ts";
export * from "./keys.ts";
export * from "./login.ts";
export * from "./nonce.ts";
export * from "./notify.ts";
export * from "./pay-sign.ts";
export * from "./platform-certificates.ts";
export * from "./requester.ts";
export * from "./retry.ts";
export * from "./rsa.ts";
export * from "./sensitive.ts";
export * from "./sign.ts";
export * from "./transport.ts";
export * from "./types.ts";
export * from "./url.ts";
export * from "./validate.ts";
export * from "./verify.ts";
export * from "./wechat-code.ts";
export * from "./wechatpay-signer.ts";
