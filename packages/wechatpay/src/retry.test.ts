import { describe, expect, it } from "vitest";
import type { CallKind } from "./requester.ts";
import {
  type AttemptFailure,
  backoffDelayMs,
  planRetry,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_DELAY_MS,
} from "./retry.ts";

const api = (status: number, wechatCode: string): AttemptFailure => ({ type: "api", status, wechatCode });
const network = (failure: "connection" | "timeout" | "lost-answer"): AttemptFailure => ({
  type: "network",
  failure,
});
const verification: AttemptFailure = { type: "verification" };

interface Row {
  rule: string;
  kind: CallKind;
  failure: AttemptFailure;
  operation?: string;
  retriesDone?: number;
  earlierVerificationFailures?: number;
  earlierAttemptMayHaveApplied?: boolean;
  onBackupHost?: boolean;
  backupHostConfigured?: boolean;
  /** Expected: "retry" with its host and delay bounds, or the outcome of stopping. */
  expect:
    | { retry: true; host: "primary" | "backup"; minMs: number; maxMs: number }
    | { retry: false; outcome: "failed" | "unknown" };
}

const backoff1 = { minMs: RETRY_BASE_DELAY_MS / 2, maxMs: RETRY_BASE_DELAY_MS };
const backoff2 = { minMs: RETRY_BASE_DELAY_MS, maxMs: RETRY_BASE_DELAY_MS * 2 };

// status × code × kind → retry? / backoff bounds / backup host? (reference §5.8)
const table: Row[] = [
  {
    rule: "500 SYSTEM_ERROR is retried with backoff",
    kind: "write",
    failure: api(500, "SYSTEM_ERROR"),
    expect: { retry: true, host: "primary", ...backoff1 },
  },
  {
    rule: "500 BANK_ERROR is retried",
    kind: "write",
    failure: api(500, "BANK_ERROR"),
    expect: { retry: true, host: "primary", ...backoff1 },
  },
  {
    rule: "502/503 SERVICE_UNAVAILABLE is retried",
    kind: "read",
    failure: api(503, "SERVICE_UNAVAILABLE"),
    expect: { retry: true, host: "primary", ...backoff1 },
  },
  {
    rule: "a 502 without a code is retried",
    kind: "read",
    failure: api(502, ""),
    expect: { retry: true, host: "primary", ...backoff1 },
  },
  {
    rule: "the second retry waits twice as long",
    kind: "read",
    failure: api(500, "SYSTEM_ERROR"),
    retriesDone: 1,
    expect: { retry: true, host: "primary", ...backoff2 },
  },
  {
    rule: "500 OPENID_MISMATCH is not retried",
    kind: "write",
    failure: api(500, "OPENID_MISMATCH"),
    expect: { retry: false, outcome: "failed" },
  },
  {
    rule: "500 INVALID_TRANSACTIONID is not retried",
    kind: "read",
    failure: api(500, "INVALID_TRANSACTIONID"),
    expect: { retry: false, outcome: "failed" },
  },
  {
    rule: "429 FREQUENCY_LIMITED on prepay is retried",
    kind: "write",
    failure: api(429, "FREQUENCY_LIMITED"),
    operation: "jsapi.prepay",
    expect: { retry: true, host: "primary", ...backoff1 },
  },
  {
    rule: "429 on a read is retried",
    kind: "read",
    failure: api(429, "FREQUENCY_LIMITED"),
    expect: { retry: true, host: "primary", ...backoff1 },
  },
  {
    rule: "429 on refund create is not retried blindly: query first",
    kind: "write",
    failure: api(429, "FREQUENCY_LIMITED"),
    operation: "refunds.create",
    expect: { retry: false, outcome: "unknown" },
  },
  {
    rule: "400 PARAM_ERROR is not retried",
    kind: "write",
    failure: api(400, "PARAM_ERROR"),
    expect: { retry: false, outcome: "failed" },
  },
  {
    rule: "401 SIGN_ERROR is not retried",
    kind: "read",
    failure: api(401, "SIGN_ERROR"),
    expect: { retry: false, outcome: "failed" },
  },
  {
    rule: "403 OUT_TRADE_NO_USED is not retried",
    kind: "write",
    failure: api(403, "OUT_TRADE_NO_USED"),
    expect: { retry: false, outcome: "failed" },
  },
  {
    rule: "404 ORDER_NOT_EXIST is not retried",
    kind: "read",
    failure: api(404, "ORDER_NOT_EXIST"),
    expect: { retry: false, outcome: "failed" },
  },
  {
    rule: "a 4xx after an earlier timeout is still a plain failure",
    kind: "write",
    failure: api(400, "PARAM_ERROR"),
    earlierAttemptMayHaveApplied: true,
    retriesDone: 1,
    expect: { retry: false, outcome: "failed" },
  },
  {
    rule: "a connection failure goes to the backup host at once",
    kind: "write",
    failure: network("connection"),
    backupHostConfigured: true,
    expect: { retry: true, host: "backup", minMs: 0, maxMs: 0 },
  },
  {
    rule: "a connection failure without a backup host backs off on the primary",
    kind: "read",
    failure: network("connection"),
    expect: { retry: true, host: "primary", ...backoff1 },
  },
  {
    rule: "a connection failure on the backup host backs off there",
    kind: "read",
    failure: network("connection"),
    onBackupHost: true,
    backupHostConfigured: true,
    retriesDone: 1,
    expect: { retry: true, host: "backup", ...backoff2 },
  },
  {
    rule: "a timeout is retried on the same host, never the backup",
    kind: "write",
    failure: network("timeout"),
    backupHostConfigured: true,
    expect: { retry: true, host: "primary", ...backoff1 },
  },
  {
    rule: "a lost answer is retried on the same host, never the backup",
    kind: "write",
    failure: network("lost-answer"),
    backupHostConfigured: true,
    expect: { retry: true, host: "primary", ...backoff1 },
  },
  {
    rule: "a 5xx is retried on the primary, never the backup",
    kind: "read",
    failure: api(500, "SYSTEM_ERROR"),
    backupHostConfigured: true,
    expect: { retry: true, host: "primary", ...backoff1 },
  },
  {
    rule: "a write timing out with no retries left is OUTCOME_UNKNOWN",
    kind: "write",
    failure: network("timeout"),
    retriesDone: 2,
    expect: { retry: false, outcome: "unknown" },
  },
  {
    rule: "a write losing its answer with no retries left is OUTCOME_UNKNOWN",
    kind: "write",
    failure: network("lost-answer"),
    retriesDone: 2,
    expect: { retry: false, outcome: "unknown" },
  },
  {
    rule: "a write never sent (connection failures only) is a plain failure",
    kind: "write",
    failure: network("connection"),
    retriesDone: 2,
    expect: { retry: false, outcome: "failed" },
  },
  {
    rule: "a write whose earlier attempt timed out stays unknown whatever fails last",
    kind: "write",
    failure: network("connection"),
    retriesDone: 2,
    earlierAttemptMayHaveApplied: true,
    expect: { retry: false, outcome: "unknown" },
  },
  {
    rule: "a write ending on 5xx after an earlier timeout is unknown",
    kind: "write",
    failure: api(500, "SYSTEM_ERROR"),
    retriesDone: 2,
    earlierAttemptMayHaveApplied: true,
    expect: { retry: false, outcome: "unknown" },
  },
  {
    rule: "a write ending on 5xx alone is the API error (WeChat said it failed)",
    kind: "write",
    failure: api(500, "SYSTEM_ERROR"),
    retriesDone: 2,
    expect: { retry: false, outcome: "failed" },
  },
  {
    rule: "a read timing out with no retries left is a plain failure",
    kind: "read",
    failure: network("timeout"),
    retriesDone: 2,
    expect: { retry: false, outcome: "failed" },
  },
  {
    rule: "an unverifiable answer to a write is OUTCOME_UNKNOWN at once",
    kind: "write",
    failure: verification,
    expect: { retry: false, outcome: "unknown" },
  },
  {
    rule: "an unverifiable answer to a read is retried once",
    kind: "read",
    failure: verification,
    expect: { retry: true, host: "primary", ...backoff1 },
  },
  {
    rule: "a read failing verification twice is not retried again",
    kind: "read",
    failure: verification,
    retriesDone: 1,
    earlierVerificationFailures: 1,
    expect: { retry: false, outcome: "failed" },
  },
];

describe("planRetry (reference §5.8)", () => {
  it.each(table)("$rule", (row) => {
    const input = {
      kind: row.kind,
      operation: row.operation ?? (row.kind === "write" ? "jsapi.prepay" : "transactions.queryByOutTradeNo"),
      retriesDone: row.retriesDone ?? 0,
      maxRetries: 2,
      failure: row.failure,
      earlierVerificationFailures: row.earlierVerificationFailures ?? 0,
      earlierAttemptMayHaveApplied: row.earlierAttemptMayHaveApplied ?? false,
      onBackupHost: row.onBackupHost ?? false,
      backupHostConfigured: row.backupHostConfigured ?? false,
    };
    const low = planRetry(input, () => 0);
    const high = planRetry(input, () => 0.999999);
    if (row.expect.retry) {
      expect(low).toMatchObject({ retry: true, host: row.expect.host });
      expect(high).toMatchObject({ retry: true, host: row.expect.host });
      if (!low.retry || !high.retry) throw new Error("unreachable");
      expect(low.delayMs).toBe(row.expect.minMs);
      expect(high.delayMs).toBe(row.expect.maxMs);
    } else {
      expect(low).toMatchObject({ retry: false, outcome: row.expect.outcome });
    }
  });

  it("never retries when maxRetries is 0, even toward a configured backup host", () => {
    const decision = planRetry(
      {
        kind: "read",
        operation: "transactions.queryById",
        retriesDone: 0,
        maxRetries: 0,
        failure: network("connection"),
        earlierVerificationFailures: 0,
        earlierAttemptMayHaveApplied: false,
        onBackupHost: false,
        backupHostConfigured: true,
      },
      () => 0.5,
    );
    expect(decision).toMatchObject({ retry: false, outcome: "failed" });
  });
});

describe("backoffDelayMs", () => {
  it("grows exponentially from the base delay", () => {
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(n, () => 0.999999))).toEqual([500, 1000, 2000, 4000]);
  });

  it("is capped at the maximum delay however many retries were made", () => {
    for (const retryNumber of [5, 10, 60, 1000]) {
      expect(backoffDelayMs(retryNumber, () => 0.999999)).toBe(RETRY_MAX_DELAY_MS);
      expect(backoffDelayMs(retryNumber, () => 0)).toBe(RETRY_MAX_DELAY_MS / 2);
    }
  });

  it("jitters within [half, full] of the exponential delay and spreads across it", () => {
    const delays = Array.from({ length: 11 }, (_, i) => backoffDelayMs(3, () => i / 10));
    for (const delay of delays) {
      expect(delay).toBeGreaterThanOrEqual(1000);
      expect(delay).toBeLessThanOrEqual(2000);
    }
    expect(new Set(delays).size).toBe(11);
  });

  it("stays within bounds even if the random source misbehaves", () => {
    expect(backoffDelayMs(1, () => -3)).toBe(250);
    expect(backoffDelayMs(1, () => 7)).toBe(500);
  });
});
