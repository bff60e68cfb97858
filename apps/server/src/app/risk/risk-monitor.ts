import {
  decide,
  type RiskRule,
  type RiskSignal,
  type RiskSubjectKind,
  rulesCounting,
} from "../../domain/risk.ts";
import { raiseAlert } from "../alerting/raise-alert.ts";
import type { AppDeps } from "../deps.ts";

/** Who a signal is about; a rule counts only when its subject is known. */
export type RiskSubjects = { appId: string } & Partial<Record<Exclude<RiskSubjectKind, "app">, string>>;

type MonitorDeps = Pick<AppDeps, "db" | "ids" | "clock" | "log" | "settings" | "limiter" | "observe">;

/**
 * The risk rules at work (domain/risk.ts; issue 13 "Risk rules"). `record` counts a signal
 * against every rule that counts it, in the shared limiter (Redis with several instances), and
 * acts on what the rule decides: holds the subject's pay calls and raises `risk_<rule>`. Every
 * decision that fires is logged with its rule; so is every pay call a hold refuses. The limiter
 * failing never fails the payer's request: the signal goes uncounted and that is logged.
 */
export async function recordRiskSignal(
  deps: MonitorDeps,
  signal: RiskSignal,
  subjects: RiskSubjects,
): Promise<void> {
  for (const rule of rulesCounting(signal)) {
    const subject = subjectOf(rule, subjects);
    if (subject === undefined) continue;
    try {
      await countFor(deps, rule, subject, subjects.appId);
    } catch (error) {
      deps.log.warn(
        { risk: rule.id, error: error instanceof Error ? error.message : String(error) },
        "risk rule not evaluated (the limiter or the database failed); the request goes on",
      );
      deps.observe.riskDecision({ rule: rule.id, action: "not_evaluated" });
    }
  }
}

async function countFor(deps: MonitorDeps, rule: RiskRule, subject: string, appId: string): Promise<void> {
  const limits = deps.settings.risk[rule.id];
  const windowMs = limits.windowMinutes * 60_000;
  const hit = await deps.limiter.hit(`risk:${rule.id}:${appId}:${subject}`, limits.threshold, windowMs);
  const decision = decide(rule, limits, hit.count);
  if (!decision.fired) return;
  deps.observe.riskDecision({ rule: rule.id, action: "fired" });
  // The subject is logged unless it is a client address (personal data; the alert keeps it).
  const fields = {
    risk: rule.id,
    per: rule.per,
    ...(rule.per === "address" ? {} : { subject }),
    count: decision.count,
    threshold: limits.threshold,
    appId,
  };
  if (decision.throttleMs > 0) await deps.limiter.hold(holdKey(rule, appId, subject), decision.throttleMs);
  deps.log.warn({ ...fields, throttleMs: decision.throttleMs, alert: decision.alert }, "risk rule fired");
  // One alert per subject while it is live; every further firing counts as a repeat on it.
  if (decision.alert)
    await raiseAlert(deps, deps.db, {
      kind: `risk_${rule.id}`,
      subjectId: `${rule.per}:${subject}`,
      appId,
      detail: {
        rule: rule.id,
        counts: rule.description,
        [rule.per]: subject,
        count: decision.count,
        threshold: limits.threshold,
        windowMinutes: limits.windowMinutes,
        throttledUntil:
          decision.throttleMs > 0 ? new Date(deps.clock.now() + decision.throttleMs).toISOString() : null,
      },
    });
}

/**
 * Whether a rule holds this pay call's payer or address, and for how long: the HTTP layer
 * answers RISK_THROTTLED with Retry-After (http/mini-program/risk-guard.ts).
 */
export async function payThrottle(
  deps: MonitorDeps,
  subjects: RiskSubjects,
): Promise<{ rule: RiskRule["id"]; retryAfterSeconds: number } | undefined> {
  for (const rule of rulesCounting("pay_failed")) {
    const subject = subjectOf(rule, subjects);
    if (subject === undefined || deps.settings.risk[rule.id].throttleMinutes === 0) continue;
    let heldMs: number;
    try {
      heldMs = await deps.limiter.heldFor(holdKey(rule, subjects.appId, subject));
    } catch (error) {
      deps.log.warn(
        { risk: rule.id, error: error instanceof Error ? error.message : String(error) },
        "risk throttle not checked: the limiter is unavailable; allowing the pay call",
      );
      continue;
    }
    if (heldMs <= 0) continue;
    const retryAfterSeconds = Math.max(1, Math.ceil(heldMs / 1000));
    deps.observe.riskDecision({ rule: rule.id, action: "throttled" });
    deps.log.info(
      { risk: rule.id, per: rule.per, appId: subjects.appId, retryAfterSeconds },
      "pay call throttled by a risk rule",
    );
    return { rule: rule.id, retryAfterSeconds };
  }
  return undefined;
}

function holdKey(rule: RiskRule, appId: string, subject: string): string {
  return `risk:hold:${rule.id}:${appId}:${subject}`;
}

function subjectOf(rule: RiskRule, subjects: RiskSubjects): string | undefined {
  return rule.per === "app" ? subjects.appId : subjects[rule.per];
}
