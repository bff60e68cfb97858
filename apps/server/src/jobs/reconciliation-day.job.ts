import { raiseAlert } from "../app/alerting/raise-alert.ts";
import { reconcileDay } from "../app/reconciliation/reconcile-day.ts";
import { billsReadyAt } from "../domain/reconciliation.ts";
import type { JobHandler } from "./job-handler.ts";

/** While the channel has not published the day: look again this often. */
export const STATEMENT_POLL_MS = 30 * 60_000;
/** A day still unpublished this long after 10:00 the next day is reported, not polled for ever. */
export const STATEMENT_GIVE_UP_MS = 2 * 24 * 3600_000;

/**
 * Reconciles one app's day at one channel (app/reconciliation/reconcile-day.ts). A day the
 * channel has not published yet is polled every half hour (§5.7: after 10:00 Beijing time
 * the next day; "retry until they are"), and reported as an alert once it is two days late.
 * A failure (the channel unreachable, a broken download) is thrown: the worker retries with
 * backoff, and the next pass redoes the day from the start.
 */
export const reconciliationDayJob: JobHandler<"reconciliation.day"> = async (deps, payload) => {
  const outcome = await reconcileDay(deps, payload);
  if (outcome.kind === "completed") return { kind: "done" };
  const now = deps.clock.now();
  if (now >= (billsReadyAt(payload.day) ?? now) + STATEMENT_GIVE_UP_MS) {
    await raiseAlert(deps, deps.db, {
      kind: "reconciliation_statement_missing",
      subjectId: `${payload.appId}:${payload.channel}:${payload.day}`,
      appId: payload.appId,
      detail: payload,
    });
    deps.log.warn(payload, "the channel never published the day's statement; reconciliation gave up");
    return { kind: "done" };
  }
  return { kind: "again", runAt: now + STATEMENT_POLL_MS, note: "statement not published yet" };
};
