import { EVENT_TYPES, type EventType } from "./events.ts";

/**
 * The rules of merchant webhooks that need no I/O (issue 11; docs/webhooks.md): which events
 * an endpoint takes, when a failed delivery is tried again, when an endpoint is given up on.
 */

/** An endpoint takes every type (`*`, also the types added later) or the ones it names. */
export type EventFilter = "*" | readonly EventType[];

/** As stored: `*`, or the types sorted and comma-separated. */
export function storedFilter(filter: EventFilter): string {
  return filter === "*" ? "*" : [...new Set(filter)].sort().join(",");
}

export function filterOf(stored: string): EventFilter {
  if (stored === "*") return "*";
  return stored.split(",").filter((type): type is EventType => (EVENT_TYPES as string[]).includes(type));
}

export function filterTakes(stored: string, type: string): boolean {
  return stored === "*" || stored.split(",").includes(type);
}

/**
 * The waits between attempts: the Standard Webhooks specification's example schedule
 * (next-anchors.md A.1): immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h, 20 h,
 * 24 h: ten attempts, the last about 75.6 hours (three days) after the first.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  5 * 60_000,
  30 * 60_000,
  2 * 3_600_000,
  5 * 3_600_000,
  10 * 3_600_000,
  14 * 3_600_000,
  20 * 3_600_000,
  24 * 3_600_000,
];

/**
 * Jitter only lengthens a wait, by up to this share: receivers coming back see the retries
 * of many deliveries spread out (no thundering herd), and the schedule never ends before
 * ENDPOINT_DISABLE_AFTER_MS, so a dead endpoint's last attempt is what disables it.
 */
export const RETRY_JITTER = 0.2;

/** A timeout or a 429 waits at least this long (Svix's overload penalty, next-anchors.md A.3). */
export const OVERLOAD_FLOOR_MS = 60_000;

/** An endpoint that has failed every attempt for this long is disabled, and an alert raised. */
export const ENDPOINT_DISABLE_AFTER_MS = 72 * 3_600_000;

/**
 * When to try again after the `step`-th failure of a delivery's schedule (0 = the first
 * attempt failed), or undefined when the schedule is spent. `random` is in [0, 1).
 * Retry-After is honoured but kept between the scheduled wait and twice it, as Svix does,
 * so a receiver can slow Kassa down but not make it give up early or wait for ever.
 */
export function nextAttemptDelay(
  step: number,
  random: number,
  answer: { overloaded: boolean; retryAfterMs: number | undefined },
): number | undefined {
  const base = RETRY_DELAYS_MS[step];
  if (base === undefined) return undefined;
  let delay = Math.round(base * (1 + RETRY_JITTER * random));
  if (answer.overloaded) delay = Math.max(delay, OVERLOAD_FLOOR_MS);
  if (answer.retryAfterMs !== undefined) delay = Math.min(Math.max(answer.retryAfterMs, delay), 2 * delay);
  return delay;
}

/** What the receiver's answer means (Standard Webhooks, "Response handling"). */
export type AnswerMeaning = "delivered" | "retry" | "gone";

export function meaningOf(status: number): AnswerMeaning {
  if (status >= 200 && status < 300) return "delivered";
  // 410 Gone: the receiver says the endpoint no longer exists; stop sending to it.
  if (status === 410) return "gone";
  // 3xx counts as a failure: redirects are never followed (the URL is what was checked).
  return "retry";
}
