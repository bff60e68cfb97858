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

/**
 * Run `work` in one transaction; when the database aborted it for a deadlock or a
 * serialization failure, run it again, a bounded number of times, after a short jittered
 * pause. `work` must therefore do nothing outside the transaction that cannot be repeated.
 */
export async function inTransaction<T>(db: Executor, work: (trx: Executor) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (!isAbortedByDatabase(error) || attempt >= MAX_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * 2 ** attempt));
    }
  }
}
