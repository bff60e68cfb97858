/**
 * §4.6: when an answer is missing, non-conforming or late, WeChat Pay re-sends after
 * 15s, 15s, 30s, 3m, 10m, 20m, 30m, 30m, 30m, 60m, 3h, 3h, 3h, 6h, 6h: 15 retries over
 * 24h4m, then gives up. Each wait is counted from the attempt before it.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const RETRY_LADDER_MS: readonly number[] = [
  15 * SECOND,
  15 * SECOND,
  30 * SECOND,
  3 * MINUTE,
  10 * MINUTE,
  20 * MINUTE,
  30 * MINUTE,
  30 * MINUTE,
  30 * MINUTE,
  60 * MINUTE,
  3 * HOUR,
  3 * HOUR,
  3 * HOUR,
  6 * HOUR,
  6 * HOUR,
];

/** The first attempt and the 15 retries. */
export const MAX_ATTEMPTS = RETRY_LADDER_MS.length + 1;

/** The wait after the `attemptsMade`-th failed attempt, or undefined once the ladder is exhausted. */
export function nextRetryDelay(attemptsMade: number): number | undefined {
  return RETRY_LADDER_MS[attemptsMade - 1];
}
