/**
 * A service's cancellation policy, as data (issue 10): tiers of "cancelled at least this many
 * hours before the start gives this percent back", e.g.
 * `[{beforeStartHours: 24, refundPercent: 100}, {beforeStartHours: 2, refundPercent: 50}]`:
 * full refund until 24 h before, half until 2 h before, nothing after (a cancellation
 * nearer the start than every tier gives 0). Exactly at a tier's bound counts as before it.
 */
export interface PolicyTier {
  beforeStartHours: number;
  refundPercent: number;
}

export type CancellationPolicy = readonly PolicyTier[];

export const MAX_POLICY_TIERS = 10;
/** A year: a bound further out is a typo. */
export const MAX_BEFORE_START_HOURS = 8760;

const HOUR_MS = 3_600_000;

/**
 * The policy in its one stored order (furthest bound first), or why it is not one: bounds are
 * whole hours 1 to 8760 and distinct, percents whole 0 to 100, and more notice never gives back
 * less (a policy that paid more for a later cancellation invites gaming).
 */
export function checkPolicy(
  tiers: readonly PolicyTier[],
): { ok: true; policy: CancellationPolicy } | { ok: false; reason: string } {
  if (tiers.length > MAX_POLICY_TIERS) return { ok: false, reason: `at most ${MAX_POLICY_TIERS} tiers` };
  const sorted = [...tiers].sort((a, b) => b.beforeStartHours - a.beforeStartHours);
  for (const [index, tier] of sorted.entries()) {
    if (
      !Number.isInteger(tier.beforeStartHours) ||
      tier.beforeStartHours < 1 ||
      tier.beforeStartHours > MAX_BEFORE_START_HOURS
    )
      return { ok: false, reason: `beforeStartHours must be whole hours, 1 to ${MAX_BEFORE_START_HOURS}` };
    if (!Number.isInteger(tier.refundPercent) || tier.refundPercent < 0 || tier.refundPercent > 100)
      return { ok: false, reason: "refundPercent must be a whole percent, 0 to 100" };
    const before = sorted[index - 1];
    if (before && before.beforeStartHours === tier.beforeStartHours)
      return { ok: false, reason: `two tiers at ${tier.beforeStartHours} hours` };
    if (before && before.refundPercent < tier.refundPercent)
      return { ok: false, reason: "a tier nearer the start may not refund more than one further out" };
  }
  return {
    ok: true,
    policy: sorted.map((tier) => ({
      beforeStartHours: tier.beforeStartHours,
      refundPercent: tier.refundPercent,
    })),
  };
}

/** The percent a cancellation at `now` gives back of a slot starting at `startsAt`. */
export function refundPercentAt(policy: CancellationPolicy, startsAt: number, now: number): number {
  const noticeMs = startsAt - now;
  for (const tier of policy) if (noticeMs >= tier.beforeStartHours * HOUR_MS) return tier.refundPercent;
  return 0;
}

/** Whole fen, rounded down: a percent of an odd amount never gives back more than it says. */
export function refundFenFor(paidFen: number, percent: number): number {
  return Math.floor((paidFen * percent) / 100);
}
