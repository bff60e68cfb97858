/**
 * Risk rules as data (issue 13 "Risk rules"; product.md "Security": anomaly monitoring;
 * docs/risk.md lists them for operators). Each rule counts one kind of signal per subject
 * over a fixed window; reaching its threshold fires its actions: throttle the subject's pay
 * calls for a while (RISK_THROTTLED), and/or raise an alert. The counters live in the rate
 * limiter (app/risk/risk-monitor.ts): in memory, or in Redis so several instances share them.
 * Thresholds, windows and throttles are settings (config.ts `KASSA_RISK_*`), with the
 * defaults below.
 */

/** What happened, as the paths that report it name it. */
export type RiskSignal =
  /** A payer cancelled an order, or the channel refused its pay call. */
  | "pay_failed"
  /** An operator asked for a refund (console or admin API). */
  | "refund_requested"
  /** A payer created an order. */
  | "order_created";

/** Who a count is kept for. */
export type RiskSubjectKind = "user" | "address" | "operator" | "app";

export const RISK_RULE_IDS = [
  "pay_failures_per_user",
  "pay_failures_per_address",
  "refunds_per_operator",
  "orders_per_app",
] as const;
export type RiskRuleId = (typeof RISK_RULE_IDS)[number];

export interface RiskRule {
  id: RiskRuleId;
  counts: RiskSignal;
  per: RiskSubjectKind;
  /** For docs/risk.md and the alert's detail. */
  description: string;
  /** The prefix of its settings: `<prefix>` (threshold), `<prefix>_WINDOW_MINUTES`, `<prefix>_THROTTLE_MINUTES`. */
  setting: string;
  defaults: RiskLimits;
  /** Raise an alert `risk_<id>` about the subject when it fires. */
  alerts: boolean;
}

export interface RiskLimits {
  /** Fires when the window's count reaches this. */
  threshold: number;
  windowMinutes: number;
  /** How long the subject's pay calls are refused once fired; 0: the rule never throttles. */
  throttleMinutes: number;
}

export type RiskSettings = { readonly [K in RiskRuleId]: RiskLimits };

export const RISK_RULES: { readonly [K in RiskRuleId]: RiskRule & { id: K } } = {
  pay_failures_per_user: {
    id: "pay_failures_per_user",
    counts: "pay_failed",
    per: "user",
    description: "failed or cancelled payments by one payer",
    setting: "KASSA_RISK_PAY_FAILURES_PER_USER",
    defaults: { threshold: 5, windowMinutes: 10, throttleMinutes: 15 },
    alerts: true,
  },
  pay_failures_per_address: {
    id: "pay_failures_per_address",
    counts: "pay_failed",
    per: "address",
    description: "failed or cancelled payments from one client address, whoever the payers",
    setting: "KASSA_RISK_PAY_FAILURES_PER_ADDRESS",
    defaults: { threshold: 20, windowMinutes: 10, throttleMinutes: 15 },
    alerts: true,
  },
  refunds_per_operator: {
    id: "refunds_per_operator",
    counts: "refund_requested",
    per: "operator",
    description: "refunds asked for by one operator",
    setting: "KASSA_RISK_REFUNDS_PER_OPERATOR",
    defaults: { threshold: 20, windowMinutes: 60, throttleMinutes: 0 },
    alerts: true,
  },
  orders_per_app: {
    id: "orders_per_app",
    counts: "order_created",
    per: "app",
    description: "orders created in one app: set it well above the app's normal peak",
    setting: "KASSA_RISK_ORDERS_PER_APP",
    defaults: { threshold: 600, windowMinutes: 1, throttleMinutes: 0 },
    alerts: true,
  },
};

export const DEFAULT_RISK_SETTINGS: RiskSettings = Object.fromEntries(
  RISK_RULE_IDS.map((id) => [id, RISK_RULES[id].defaults]),
) as unknown as RiskSettings;

/** The rules that count this signal. */
export function rulesCounting(signal: RiskSignal): RiskRule[] {
  return RISK_RULE_IDS.map((id) => RISK_RULES[id]).filter((rule) => rule.counts === signal);
}

/** The rules whose throttle a pay call must pass, with the subject each needs. */
export function throttlingRules(settings: RiskSettings): RiskRule[] {
  return RISK_RULE_IDS.map((id) => RISK_RULES[id]).filter((rule) => settings[rule.id].throttleMinutes > 0);
}

export type RiskDecision =
  | { fired: false; rule: RiskRuleId; count: number }
  | { fired: true; rule: RiskRuleId; count: number; throttleMs: number; alert: boolean };

/** What a rule decides about a window's count (pure; the monitor acts on it). */
export function decide(rule: RiskRule, limits: RiskLimits, count: number): RiskDecision {
  if (count < limits.threshold) return { fired: false, rule: rule.id, count };
  return {
    fired: true,
    rule: rule.id,
    count,
    throttleMs: limits.throttleMinutes * 60_000,
    alert: rule.alerts,
  };
}
