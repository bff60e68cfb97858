import type { EnvReader } from "./config-reader.ts";

/**
 * How long Kassa keeps what it no longer needs (issue 13, "Data retention (PIPL)"; PIPL
 * art. 19: no longer than the purpose needs). `purge` (app/purge.ts) applies it, daily as the
 * `data.purge` job and by hand as `npm run kassa -- purge`; docs/privacy.md says why each
 * default is what it is. Every value is in days; each minimum keeps what a running payment
 * still relies on.
 */
export interface RetentionSettings {
  /** Payer and operator sessions, counted from when they expired or were revoked. */
  sessionsDays: number;
  /** Idempotency keys and their stored answers, from their first request. */
  idempotencyKeysDays: number;
  /** The record of each channel notification applied, from its arrival. */
  notificationsDays: number;
  /** Each try of a webhook delivery (what was sent, what came back), from when it was made. */
  webhookAttemptsDays: number;
  /**
   * Outbox events and webhook deliveries: a delivery once finished (delivered, given up or
   * cancelled), counted from its last change; an event once no delivery of it is left.
   */
  eventsDays: number;
  /** A payer with no login, order, refund, booking or wallet movement for this long loses their openid. */
  inactiveUsersDays: number;
}

export const RETENTION_VARIABLES = {
  sessionsDays: "KASSA_RETENTION_SESSIONS_DAYS",
  idempotencyKeysDays: "KASSA_RETENTION_IDEMPOTENCY_KEYS_DAYS",
  notificationsDays: "KASSA_RETENTION_NOTIFICATIONS_DAYS",
  webhookAttemptsDays: "KASSA_RETENTION_WEBHOOK_ATTEMPTS_DAYS",
  eventsDays: "KASSA_RETENTION_EVENTS_DAYS",
  inactiveUsersDays: "KASSA_RETENTION_INACTIVE_USERS_DAYS",
} as const satisfies Record<keyof RetentionSettings, string>;

/** The defaults (docs/configuration.md "Data retention"). */
export const DEFAULT_RETENTION: Readonly<RetentionSettings> = Object.freeze({
  sessionsDays: 30,
  idempotencyKeysDays: 7,
  notificationsDays: 90,
  webhookAttemptsDays: 30,
  eventsDays: 90,
  inactiveUsersDays: 1095,
});

/** The least each may be set to: below it, purge would remove what a running payment relies on. */
const MINIMUM_DAYS: Readonly<RetentionSettings> = {
  sessionsDays: 0,
  // A client retries a lost answer within minutes or hours; a day keeps every such replay.
  idempotencyKeysDays: 1,
  // WeChat Pay re-sends a notification for 24 hours 4 minutes (reference §4.6); past that a
  // late copy still changes nothing (the payment's compare-and-set), but two days keep the
  // record that answers it as a duplicate.
  notificationsDays: 2,
  // A delivery's schedule lasts about three days (docs/webhooks.md): its attempts stay while it runs.
  webhookAttemptsDays: 4,
  // A finished delivery can be replayed, and an event replayed by range (docs/webhooks.md
  // "Replay"): a week keeps both for a receiver that was down past the three days of retries.
  eventsDays: 7,
  // Longer than the longest session (KASSA_SESSION_TTL_HOURS is at most 90 days).
  inactiveUsersDays: 91,
};

export function readRetention(read: EnvReader): RetentionSettings {
  const settings = {} as RetentionSettings;
  for (const key of Object.keys(DEFAULT_RETENTION) as (keyof RetentionSettings)[])
    settings[key] = read.integer(RETENTION_VARIABLES[key], DEFAULT_RETENTION[key], MINIMUM_DAYS[key], 36_500);
  return settings;
}
