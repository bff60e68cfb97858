import { describe, expect, it } from "vitest";
import {
  ENDPOINT_DISABLE_AFTER_MS,
  filterTakes,
  meaningOf,
  nextAttemptDelay,
  OVERLOAD_FLOOR_MS,
  RETRY_DELAYS_MS,
  storedFilter,
} from "./webhooks.ts";

const plain = { overloaded: false, retryAfterMs: undefined };

describe("the webhook retry schedule", () => {
  it("spans about three days in ten attempts, and ends", () => {
    const total = RETRY_DELAYS_MS.reduce((sum, delay) => sum + delay, 0);
    expect(RETRY_DELAYS_MS).toHaveLength(9);
    expect(total / 3_600_000).toBeCloseTo(75.58, 1);
    expect(nextAttemptDelay(RETRY_DELAYS_MS.length, 0, plain)).toBeUndefined();
  });

  it("jitters each wait up to 20% longer, never shorter, so the last attempt is past the disable time", () => {
    for (const [step, base] of RETRY_DELAYS_MS.entries()) {
      expect(nextAttemptDelay(step, 0, plain)).toBe(base);
      expect(nextAttemptDelay(step, 0.999, plain)).toBeLessThanOrEqual(base * 1.2);
    }
    expect(RETRY_DELAYS_MS.reduce((sum, delay) => sum + delay, 0)).toBeGreaterThan(ENDPOINT_DISABLE_AFTER_MS);
  });

  it("waits at least a minute after a timeout or 429, and honours Retry-After within 1-2x the wait", () => {
    expect(nextAttemptDelay(0, 0, { overloaded: true, retryAfterMs: undefined })).toBe(OVERLOAD_FLOOR_MS);
    expect(nextAttemptDelay(1, 0, { overloaded: false, retryAfterMs: 1_000 })).toBe(RETRY_DELAYS_MS[1]);
    expect(nextAttemptDelay(1, 0, { overloaded: false, retryAfterMs: 400_000 })).toBe(400_000);
    expect(nextAttemptDelay(1, 0, { overloaded: false, retryAfterMs: 86_400_000 })).toBe(600_000);
  });

  it("counts 2xx as delivered, 410 as gone, and everything else (3xx included) as a retry", () => {
    expect([200, 204, 299].map(meaningOf)).toEqual(["delivered", "delivered", "delivered"]);
    expect(meaningOf(410)).toBe("gone");
    expect([301, 302, 400, 429, 500, 503].map(meaningOf)).toEqual(Array(6).fill("retry"));
  });
});

describe("event type filters", () => {
  it("take every type for *, else only the named ones", () => {
    expect(filterTakes("*", "order.paid")).toBe(true);
    const stored = storedFilter(["order.paid", "order.closed", "order.paid"]);
    expect(stored).toBe("order.closed,order.paid");
    expect(filterTakes(stored, "order.paid")).toBe(true);
    expect(filterTakes(storedFilter(["order.closed"]), "order.paid")).toBe(false);
  });
});
