import type { RetentionSettings } from "../config-retention.ts";
import type { Executor } from "../db/executor.ts";
import { type PurgeReport, purgeExpiredData } from "./purge.ts";

export const PURGE_USAGE = "Usage:\n  npm run kassa -- purge [--dry-run] [--json]";

const WHAT: Record<PurgeReport["lines"][number]["table"], (days: number) => string> = {
  sessions: (days) => `payer sessions that ended more than ${days} days ago`,
  operator_sessions: (days) => `operator sessions that ended more than ${days} days ago`,
  idempotency_keys: (days) => `idempotency keys older than ${days} days`,
  channel_notifications: (days) => `notification records older than ${days} days`,
  webhook_attempts: (days) => `webhook attempts older than ${days} days`,
  webhook_deliveries: (days) => `webhook deliveries finished more than ${days} days ago, with their attempts`,
  outbox_events: (days) => `events older than ${days} days that no delivery still needs`,
  inactive_users: (days) => `payers inactive for ${days} days: openid replaced by a tombstone`,
};

/**
 * `npm run kassa -- purge`: the daily data.purge job, by hand (docs/privacy.md). `--dry-run`
 * counts what is due per table and changes nothing; `--json` prints one JSON object for
 * scripts. Exit code 0 when it ran (or counted), 2 for a usage mistake; a database failure
 * exits 1 (kassa-cli.ts) after the batches already done, which a re-run does not repeat.
 */
export async function runPurgeCommand(
  argv: readonly string[],
  io: {
    db: Executor;
    now: () => number;
    retention: RetentionSettings;
    out: (line: string) => void;
    err: (line: string) => void;
  },
): Promise<number> {
  const flags = argv.slice(1);
  const known = new Set(["--dry-run", "--json"]);
  if (argv[0] !== "purge" || flags.some((flag) => !known.has(flag)) || new Set(flags).size !== flags.length) {
    io.err(PURGE_USAGE);
    return 2;
  }
  const dryRun = flags.includes("--dry-run");
  const json = flags.includes("--json");
  const report = await purgeExpiredData(io.db, {
    now: io.now(),
    retention: io.retention,
    dryRun,
    // Progress on stderr, so --json's stdout stays one object.
    onBatch: (table, rows) => io.err(`purge: ${table}: ${rows} so far`),
  });
  if (json) {
    io.out(JSON.stringify({ dryRun, tables: report.lines }));
    return 0;
  }
  const verb = dryRun ? "would remove" : "removed";
  for (const line of report.lines)
    io.out(`purge: ${line.table}: ${verb} ${line.rows} (${WHAT[line.table](line.retentionDays)})`);
  const total = report.lines.reduce((sum, line) => sum + line.rows, 0);
  io.out(
    dryRun
      ? `purge --dry-run: ${total} rows due; nothing was changed`
      : `purge: done, ${total} rows; the ledger, orders and payments are never touched`,
  );
  return 0;
}
