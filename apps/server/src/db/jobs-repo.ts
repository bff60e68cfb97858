import { type Selectable, sql } from "kysely";
import type { DialectName } from "./connect.ts";
import type { Executor } from "./executor.ts";
import type { JobsTable } from "./schema.ts";

export type JobRow = Selectable<JobsTable>;

/**
 * Schedule a job, at most one live job per dedupe key. Scheduling again keeps the earlier
 * run time: "query this order soon" after a lost answer pulls a later scheduled query
 * forward and never pushes one back. (`excluded` and CASE mean the same on both databases.)
 */
export async function scheduleJob(
  db: Executor,
  job: {
    id: string;
    kind: string;
    dedupeKey: string;
    queue: string;
    payload: unknown;
    runAt: number;
    now: number;
  },
): Promise<void> {
  await db
    .insertInto("jobs")
    .values({
      id: job.id,
      kind: job.kind,
      queue: job.queue,
      dedupe_key: job.dedupeKey,
      payload: JSON.stringify(job.payload),
      run_at: job.runAt,
      attempts: 0,
      locked_by: null,
      locked_until: null,
      last_error: null,
      created_at: job.now,
    })
    .onConflict((conflict) =>
      conflict.column("dedupe_key").doUpdateSet({
        run_at: sql<number>`case when excluded.run_at < jobs.run_at then excluded.run_at else jobs.run_at end`,
      }),
    )
    .execute();
}

/**
 * Claim up to `limit` due jobs of one queue for one worker, by compare-and-set on the lock. The work is
 * proportional to what is due (the run_at index), never to all jobs. PostgreSQL adds
 * `FOR UPDATE SKIP LOCKED` so instances never wait on each other's rows (convention 13:
 * the one place the dialects differ); SQLite has one writer, so its UPDATE is already atomic.
 */
export async function claimDueJobs(
  db: Executor,
  dialect: DialectName,
  claim: { queue: string; workerId: string; now: number; leaseMs: number; limit: number },
): Promise<JobRow[]> {
  const due = db
    .selectFrom("jobs")
    .select("id")
    .where("queue", "=", claim.queue)
    .where("run_at", "<=", claim.now)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", claim.now)]))
    .orderBy("run_at")
    .limit(claim.limit);
  const dueIds = dialect === "postgres" ? due.forUpdate().skipLocked() : due;
  return db
    .updateTable("jobs")
    .set((eb) => ({
      locked_by: claim.workerId,
      locked_until: claim.now + claim.leaseMs,
      attempts: eb("attempts", "+", 1),
    }))
    .where("id", "in", dueIds)
    .where((eb) => eb.or([eb("locked_until", "is", null), eb("locked_until", "<=", claim.now)]))
    .returningAll()
    .execute();
}

/** Done: remove the job, but only if this worker still holds it. */
export async function completeJob(db: Executor, jobId: string, workerId: string): Promise<void> {
  await db.deleteFrom("jobs").where("id", "=", jobId).where("locked_by", "=", workerId).execute();
}

/** Run again at `runAt` (a retry with backoff, or the next poll), recording why. */
export async function rescheduleJob(
  db: Executor,
  change: { jobId: string; workerId: string; runAt: number; error: string | null; resetAttempts?: boolean },
): Promise<void> {
  await db
    .updateTable("jobs")
    .set({
      run_at: change.runAt,
      locked_by: null,
      locked_until: null,
      last_error: change.error,
      ...(change.resetAttempts ? { attempts: 0 } : {}),
    })
    .where("id", "=", change.jobId)
    .where("locked_by", "=", change.workerId)
    .execute();
}

/**
 * Shutdown: give back every job this worker still holds, so another instance runs it now
 * instead of when the lease lapses. A job still running here may then run twice; jobs are
 * at-least-once by design (each handler is idempotent), and a lost lease is no worse.
 */
export async function releaseLeases(db: Executor, workerId: string): Promise<number> {
  const released = await db
    .updateTable("jobs")
    .set({ locked_by: null, locked_until: null })
    .where("locked_by", "=", workerId)
    .executeTakeFirst();
  return Number(released.numUpdatedRows);
}
