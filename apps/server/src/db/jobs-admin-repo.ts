import type { Executor } from "./executor.ts";
import type { JobRow } from "./jobs-repo.ts";

/**
 * What `npm run kassa -- jobs` reads and changes (app/jobs-command.ts). A job that failed is
 * still a row: the worker reschedules it with backoff and records `last_error`
 * (jobs/worker.ts), so "failed" means "its last run threw, and it will run again".
 */
export async function listDueAndFailedJobs(
  db: Executor,
  query: { now: number; limit: number },
): Promise<JobRow[]> {
  return db
    .selectFrom("jobs")
    .selectAll()
    .where((eb) => eb.or([eb("run_at", "<=", query.now), eb("last_error", "is not", null)]))
    .orderBy("run_at")
    .orderBy("id")
    .limit(query.limit)
    .execute();
}

/**
 * Run a job at the next poll instead of at its backoff time, by compare-and-set: a job a
 * worker holds right now (its lease is live) is left alone. Attempts start again from 0,
 * so a later failure waits 5 s, not the 15 minutes it had reached.
 */
export async function retryJobNow(
  db: Executor,
  change: { jobId: string; now: number },
): Promise<"scheduled" | "running" | "not_found"> {
  const result = await db
    .updateTable("jobs")
    .set({ run_at: change.now, attempts: 0 })
    .where("id", "=", change.jobId)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", change.now)]))
    .executeTakeFirst();
  if (result.numUpdatedRows === 1n) return "scheduled";
  const exists = await db.selectFrom("jobs").select("id").where("id", "=", change.jobId).executeTakeFirst();
  return exists ? "running" : "not_found";
}
