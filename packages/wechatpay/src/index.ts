/**
 * @kassa/wechatpay: a typed WeChat Pay API v3 client for a mini-program backend.
 * Section numbers in comments refer to docs/reference/wechatpay-v3.md ("the reference").
 */
export * from "./aead.ts";
export * from "./errors.ts";
export * from "./headers.ts";
export * from "./keyring.ts";
export * from "./keys.ts";
export * from "./nonce.ts";
export * from "./notify.ts";
export * from "./pay-sign.ts";
export * from "./rsa.ts";
export * from "./sensitive.ts";
export * from "./sign.ts";
export * from "./types.ts";
export * from "./verify.ts";
export * from "./wechatpay-signer.ts";
