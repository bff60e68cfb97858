import type { ErrorCode } from "../../domain/errors.ts";

/** The codes the merchant API's routes share (their OpenAPI responses: mini-program/route-errors.ts). */
export const MERCHANT_KEY: readonly ErrorCode[] = ["MERCHANT_KEY_REQUIRED", "MERCHANT_KEY_INVALID"];

/** Every POST: a write needs the write scope, and takes an Idempotency-Key. */
export const MERCHANT_WRITE: readonly ErrorCode[] = [
  ...MERCHANT_KEY,
  "MERCHANT_KEY_SCOPE",
  "IDEMPOTENCY_KEY_INVALID",
  "IDEMPOTENCY_KEY_REUSED",
  "IDEMPOTENCY_KEY_IN_PROGRESS",
];
