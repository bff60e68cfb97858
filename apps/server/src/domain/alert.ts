import type { TransitionResult } from "./payment.ts";

/**
 * An alert: something an operator must look at (issue 13 "Alerts"): an amount mismatch, a
 * payment after close, a risk rule that fired, a reconciliation difference, an ABNORMAL
 * refund, a webhook endpoint disabled. One status column and one transition table
 * (design.md convention 2).
 *
 * open          raised; nobody has said they are on it. Raising the same alert again (same
 *               kind, subject and app) counts a repeat on this one instead of a new alert.
 * acknowledged  an operator has seen it and is on it; repeats still count here.
 * resolved      an operator has dealt with it and said how (the note); final. The same
 *               problem coming back later is a new alert.
 */
export const ALERT_STATUSES = ["open", "acknowledged", "resolved"] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

export const ALERT_EVENTS = ["acknowledge", "resolve"] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];

const ALERT_TRANSITIONS: Readonly<Record<AlertStatus, Partial<Record<AlertEvent, AlertStatus>>>> = {
  open: { acknowledge: "acknowledged", resolve: "resolved" },
  acknowledged: { resolve: "resolved" },
  resolved: {},
};

/** The one place that says which alert moves are legal; the repository's compare-and-set asks it. */
export function transitionAlert(
  from: AlertStatus,
  event: AlertEvent,
): TransitionResult<AlertStatus, AlertEvent> {
  const to = ALERT_TRANSITIONS[from][event];
  return to ? { ok: true, from, to } : { ok: false, from, event };
}

/** Whether an alert still takes repeats (and blocks a second live alert of its key). */
export function isLiveAlert(status: AlertStatus): boolean {
  return status !== "resolved";
}

/**
 * The de-duplication key of a live alert, as migration 0018 wrote it for earlier rows: a
 * JSON array, so no character inside a kind or subject can make two keys equal.
 */
export function liveKeyOf(alert: { kind: string; subjectId: string; appId?: string | null }): string {
  return JSON.stringify([alert.kind, alert.subjectId, alert.appId ?? ""]);
}
