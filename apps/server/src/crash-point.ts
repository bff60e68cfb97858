/**
 * Named crash points (issue 16; quality-bar.md "crash (kill -9) at each step between a channel
 * call and its commit"; payments-design-anchors.md §5 fault 4, Brandur's "call succeeded,
 * reply lost"). Each name marks a step where the channel (or a merchant's server) has acted
 * and Kassa has not yet committed what it learnt. The crash test (test/crash/) starts Kassa
 * with `KASSA_CRASH_AT=<name>[:<nth>]`, and at the nth time the process passes that point it
 * is killed with SIGKILL: no finally, no shutdown hook, no flush, exactly a power cut or the
 * OOM killer. The test then starts Kassa again on the same database and checks that it
 * converges to the channel's truth.
 *
 * Without KASSA_CRASH_AT (always, in production) every call is a no-op; the variable is read
 * once, when this module loads. It is test machinery, so it is not in config.ts.
 */
export const CRASH_POINTS = [
  /** The prepay answered by the channel, its prepay_id not saved yet (pay-order.ts). */
  "prepay.answered",
  /** A payment notification's transaction written, not committed (apply-payment.ts). */
  "notify.before-commit",
  /** The refund accepted by the channel, its answer not applied yet (submit-refund.ts). */
  "refund.answered",
  /** A merchant's server answered a webhook, the attempt not recorded yet (webhooks/deliver.ts). */
  "webhook.delivered",
  /** An expired order closed at the channel, not closed here yet (close-order.ts). */
  "expire.closed",
  /** A day's reconciliation with the bill's payments matched, the rest and the fees not yet (reconcile-day.ts). */
  "reconcile.mid-day",
] as const;

export type CrashPointName = (typeof CRASH_POINTS)[number];

function armed(setting: string | undefined): { name: CrashPointName; nth: number } | undefined {
  if (!setting) return undefined;
  const [name, nth = "1"] = setting.split(":");
  if (!CRASH_POINTS.includes(name as CrashPointName) || !/^[1-9]\d*$/.test(nth))
    throw new Error(
      `KASSA_CRASH_AT=${setting} names no crash point; use <name>[:<nth>] with one of ${CRASH_POINTS.join(", ")}`,
    );
  return { name: name as CrashPointName, nth: Number(nth) };
}

const target = armed(process.env.KASSA_CRASH_AT);
let hits = 0;

/** Kill this process here if the test armed this point (a no-op otherwise). */
export function crashPoint(name: CrashPointName): void {
  if (target?.name !== name) return;
  hits += 1;
  if (hits === target.nth) process.kill(process.pid, "SIGKILL");
}
