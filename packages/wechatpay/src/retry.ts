import { REFUND_CREATE_OPERATION } from "./api/refunds.ts";
import type { CallKind } from "./requester.ts";
import type { NetworkFailure } from "./transport.ts";
import { NON_RETRYABLE_SERVER_CODES } from "./wechat-code.ts";

/**
 * The retry policy of reference §5.8, as one ordered list of rules (stripe's
 * `_shouldRetry`): the first rule that matches decides. Every retry sends the same body
 * string with the same out_trade_no / out_refund_no; only the signature's timestamp and
 * nonce are fresh (§2), which WeChat Pay treats as the same request.
 */

/** What went wrong with one attempt. API codes are already normalised (wechat-code.ts). */
export type AttemptFailure =
  | { type: "network"; failure: NetworkFailure }
  | { type: "api"; status: number; wechatCode: string }
  | { type: "verification" };

export interface RetryInput {
  kind: CallKind;
  operation: string;
  /** Retries already made for this call: 0 after the first attempt failed. */
  retriesDone: number;
  maxRetries: number;
  failure: AttemptFailure;
  /** Verification failures of earlier attempts of this call. */
  earlierVerificationFailures: number;
  /** An earlier attempt may have reached WeChat Pay and got no trustworthy answer. */
  earlierAttemptMayHaveApplied: boolean;
  onBackupHost: boolean;
  backupHostConfigured: boolean;
}

export type RetryDecision =
  | { retry: true; host: "primary" | "backup"; delayMs: number; rule: string }
  /** `unknown`: a write that may have taken effect; the caller must query (OUTCOME_UNKNOWN). */
  | { retry: false; outcome: "failed" | "unknown"; rule: string };

/** Operations whose 429 may hide work already in progress (§5.8, the refund page). */
const QUERY_BEFORE_RETRYING_ON_429: ReadonlySet<string> = new Set([REFUND_CREATE_OPERATION]);

export function planRetry(input: RetryInput, random: () => number): RetryDecision {
  const { failure, kind } = input;
  const stop = (outcome: "failed" | "unknown", rule: string): RetryDecision => ({
    retry: false,
    outcome,
    rule,
  });

  // 1. A write whose answer failed verification (a SIGNTEST probe, a bad signature, an
  //    unknown serial): WeChat Pay answered, so the write may have been applied; §3.5 says
  //    to treat the outcome as unknown and reconcile by querying.
  if (failure.type === "verification" && kind === "write") return stop("unknown", "unverified-write");
  // 2. Refund create rate-limited: "the refund may already be in progress, so query
  //    first" (§5.8). Retrying blindly could stack a second attempt on a live one.
  if (failure.type === "api" && failure.status === 429 && QUERY_BEFORE_RETRYING_ON_429.has(input.operation)) {
    return stop("unknown", "rate-limited-query-first");
  }
  // 3. 500s that are final despite their status (OPENID_MISMATCH, INVALID_TRANSACTIONID).
  if (failure.type === "api" && NON_RETRYABLE_SERVER_CODES.has(failure.wechatCode)) {
    return stop("failed", "non-retryable-code");
  }
  // 4. Any other non-429 4xx (and stray 1xx/3xx): the same request fails the same way.
  if (failure.type === "api" && failure.status !== 429 && failure.status < 500) {
    return stop("failed", "client-error");
  }
  // 5. A read gets one more try after a verification failure: probes are a small share
  //    of answers (§3.5), a second one in a row means something is really wrong.
  if (failure.type === "verification" && input.earlierVerificationFailures >= 1) {
    return stop("failed", "verification-failed-twice");
  }
  // 6. Out of retries. A write that may have been applied is unknown, never "failed":
  //    failing it would invite a new out_trade_no / out_refund_no and a double charge.
  if (input.retriesDone >= input.maxRetries) {
    const mayHaveApplied = mayHaveBeenApplied(failure) || input.earlierAttemptMayHaveApplied;
    return stop(kind === "write" && mayHaveApplied ? "unknown" : "failed", "retries-exhausted");
  }
  // 7. The request never reached the primary host: fail over to the backup host at once,
  //    as the Java SDK does (§1 "Other aliases", §5.8). Only here: the backup routes to
  //    another city, it is not a second chance for a slow or failing primary.
  if (
    failure.type === "network" &&
    failure.failure === "connection" &&
    input.backupHostConfigured &&
    !input.onBackupHost
  ) {
    return { retry: true, host: "backup", delayMs: 0, rule: "connection-failed-use-backup" };
  }
  // 8. Network errors, timeouts, 429, 5xx and a read's first verification failure: back
  //    off and send the same request again, on the host we are on.
  return {
    retry: true,
    host: input.onBackupHost ? "backup" : "primary",
    delayMs: backoffDelayMs(input.retriesDone + 1, random),
    rule: "retry-with-backoff",
  };
}

/** Whether a failure leaves open that WeChat Pay applied the request. */
export function mayHaveBeenApplied(failure: AttemptFailure): boolean {
  if (failure.type === "network") return failure.failure !== "connection";
  // An answer we could not trust is still an answer: the request arrived.
  return failure.type === "verification";
}

/** §5.8 "exponential backoff": 500 ms, 1 s, 2 s, ... capped at 5 s before jitter. */
export const RETRY_BASE_DELAY_MS = 500;
export const RETRY_MAX_DELAY_MS = 5_000;

/**
 * The wait before retry number `retryNumber` (1-based): exponential, capped, then jittered
 * into [half, full] so that many clients failing together spread out, while the floor of
 * half keeps any of them from hammering a host that just failed.
 */
export function backoffDelayMs(retryNumber: number, random: () => number): number {
  const exponential = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** Math.max(0, retryNumber - 1));
  const unit = Math.min(1, Math.max(0, random()));
  return Math.round(exponential * (0.5 + 0.5 * unit));
}
