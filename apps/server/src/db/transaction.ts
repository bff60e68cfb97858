import type { Executor } from "./executor.ts";

/**
 * PostgreSQL aborts a transaction it cannot order (SQLSTATE 40P01 deadlock_detected,
 * 40001 serialization_failure). The abort rolled everything back, so running the whole
 * transaction again is safe and is what PostgreSQL's manual asks of the application
 * (§13.2 "Applications using this level must be prepared to retry transactions").
 * SQLite has no such abort: its writers queue on the file lock (sqlite-busy.ts).
 */
const RETRYABLE_SQLSTATES = new Set(["40P01", "40001"]);
const MAX_ATTEMPTS = 5;

export function isAbortedByDatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && RETRYABLE_SQLSTATES.has(code);
}

/** What each open transaction of inTransaction's is to report once it has committed. */
const committedReports = new WeakMap<Executor, Array<() => void>>();

/**
 * Run `work` in one transaction; when the database aborted it for a deadlock or a
 * serialization failure, run it again, a bounded number of times, after a short jittered
 * pause. `work` must therefore do nothing outside the transaction that cannot be repeated.
 * What `work` handed to afterCommit runs once the transaction committed, never for an
 * attempt that rolled back.
 */
export async function inTransaction<T>(db: Executor, work: (trx: Executor) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    const reports: Array<() => void> = [];
    let result: T;
    try {
      result = await db.transaction().execute((trx) => {
        committedReports.set(trx, reports);
        return work(trx);
      });
    } catch (error) {
      if (!isAbortedByDatabase(error) || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
      continue;
    }
    // Outside the try: the transaction has committed whatever a report does.
    for (const report of reports) report();
    return result;
  }
}

/**
 * Report something a transaction wrote (a metric, issue 13) only once it is committed: a
 * count taken inside a transaction that then rolls back, or is run again after a deadlock,
 * would count what never happened. `trx` is the caller's transaction, however deep the call:
 * the report waits for the outermost commit. Outside a transaction the write has committed
 * already, so it reports at once. A transaction not opened by inTransaction cannot say when
 * it commits: that is a bug, and it throws rather than count wrong.
 */
export function afterCommit(trx: Executor, report: () => void): void {
  if (!trx.isTransaction) {
    report();
    return;
  }
  const reports = committedReports.get(trx);
  if (!reports) throw new Error("afterCommit needs a transaction opened by inTransaction");
  reports.push(report);
}
