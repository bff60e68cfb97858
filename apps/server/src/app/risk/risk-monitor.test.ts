import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_RISK_SETTINGS } from "../../domain/risk.ts";
import { RedisRateLimiter } from "../../limits/redis-rate-limiter.ts";
import { randomIdSource } from "../../random-ids.ts";
import { payThrottle, recordRiskSignal } from "./risk-monitor.ts";

/**
 * With Redis unreachable (a real client to a port nothing listens on), the risk rules step
 * aside: the signal goes uncounted, the pay call goes through, and both are logged at warn
 * (and the uncounted signals reported to /metrics).
 * A payment must never fail because the limiter did.
 */
const limiter = new RedisRateLimiter("redis://127.0.0.1:1", "kassa:test:down:");
afterAll(async () => {
  await limiter.close().catch(() => undefined);
});

describe("the risk monitor without its limiter", () => {
  it("lets the pay call through and logs why", async () => {
    const warnings: string[] = [];
    const decisions: { rule: string; action: string }[] = [];
    const log = {
      info: () => undefined,
      warn: (_fields: Record<string, unknown>, message: string) => warnings.push(message),
      error: () => undefined,
    };
    const deps = {
      // Never reached: the limiter fails before a rule could fire and raise its alert.
      db: undefined as never,
      ids: randomIdSource,
      clock: { now: () => Date.now() },
      log,
      settings: { risk: DEFAULT_RISK_SETTINGS, alerting: { wecomRobotUrl: undefined } } as never,
      limiter,
      observe: {
        riskDecision: (decision: { rule: string; action: string }) => decisions.push(decision),
        ledgerEntryPosted: () => undefined,
      },
    };
    const subjects = { appId: "app_default", user: "usr_down", address: "192.0.2.1" };
    await expect(recordRiskSignal(deps, "pay_failed", subjects)).resolves.toBeUndefined();
    await expect(payThrottle(deps, subjects)).resolves.toBeUndefined();
    expect(warnings.filter((message) => message.startsWith("risk rule not evaluated"))).toHaveLength(2);
    expect(warnings.filter((message) => message.startsWith("risk throttle not checked"))).toHaveLength(2);
    // /metrics counts each uncounted signal by its rule (kassa_risk_decisions_total).
    expect(decisions).toEqual([
      { rule: "pay_failures_per_user", action: "not_evaluated" },
      { rule: "pay_failures_per_address", action: "not_evaluated" },
    ]);
  }, 30_000);
});
