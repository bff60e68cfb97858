import type { RetentionSettings } from "../config-retention.ts";
import type { Executor } from "../db/executor.ts";
import { RETENTION_TABLES, type RetentionTarget } from "../db/retention-repo.ts";

/** Rows per statement: small enough that one batch never holds SQLite's writer (or a PostgreSQL lock) long. */
export const PURGE_BATCH = 500;

const DAY_MS = 86_400_000;

/** Which setting keeps each target (config-retention.ts; docs/privacy.md has the why). */
const KEPT_BY: { readonly [T in RetentionTarget]: keyof RetentionSettings } = {
  sessions: "sessionsDays",
  operator_sessions: "sessionsDays",
  idempotency_keys: "idempotencyKeysDays",
  channel_notifications: "notificationsDays",
  webhook_attempts: "webhookAttemptsDays",
  webhook_deliveries: "eventsDays",
  outbox_events: "eventsDays",
  inactive_users: "inactiveUsersDays",
};

export interface PurgeLine {
  table: RetentionTarget;
  retentionDays: number;
  /** Rows at or before this time (epoch ms) were due. */
  before: number;
  /** Removed (inactive users: anonymised), or, in a dry run, what would be. */
  rows: number;
}

export interface PurgeReport {
  dryRun: boolean;
  lines: PurgeLine[];
}

/**
 * Apply the retention (issue 13, "Data retention (PIPL)"): for each target, count (dry run) or
 * remove in batches of `batchSize` until a batch comes back short. Every batch is its own
 * statement (or, for users, its own short transaction), so readers and payments go on between
 * batches. Running it twice, or in two instances at once, removes each row once.
 */
export async function purgeExpiredData(
  db: Executor,
  options: {
    now: number;
    retention: RetentionSettings;
    dryRun?: boolean;
    batchSize?: number;
    /** After each batch: the CLI shows progress on long runs. */
    onBatch?: (table: RetentionTarget, removedSoFar: number) => void;
  },
): Promise<PurgeReport> {
  const batchSize = options.batchSize ?? PURGE_BATCH;
  const lines: PurgeLine[] = [];
  for (const [table, store] of Object.entries(RETENTION_TABLES) as [
    RetentionTarget,
    (typeof RETENTION_TABLES)[RetentionTarget],
  ][]) {
    const retentionDays = options.retention[KEPT_BY[table]];
    const cutoff = { before: options.now - retentionDays * DAY_MS, now: options.now };
    let rows = 0;
    if (options.dryRun) rows = await store.count(db, cutoff);
    else
      for (;;) {
        const removed = await store.removeBatch(db, cutoff, batchSize);
        rows += removed;
        if (removed > 0) options.onBatch?.(table, rows);
        if (removed < batchSize) break;
      }
    lines.push({ table, retentionDays, before: cutoff.before, rows });
  }
  return { dryRun: options.dryRun === true, lines };
}
