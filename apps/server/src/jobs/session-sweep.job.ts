import { deleteExpiredSessions } from "../db/sessions-repo.ts";
import type { JobHandler } from "./job-handler.ts";

/** Sessions deleted per run: small enough that one delete never holds the writer long. */
export const SESSION_SWEEP_BATCH = 1_000;

/** An expired session already authenticates nothing; deleting it is housekeeping. */
export const SESSION_SWEEP_EVERY_MS = 3_600_000;

/**
 * Deletes expired sessions (issue 7, item 10: they were never deleted), a bounded batch per
 * run. It never finishes: it reschedules itself, soon after a full batch (more may wait),
 * otherwise in an hour. The worker makes sure it exists (`JobWorker.scheduleRecurringJobs`).
 */
export const sessionSweepJob: JobHandler<"session.sweep"> = async (deps) => {
  const now = deps.clock.now();
  const deleted = await deleteExpiredSessions(deps.db, { now, limit: SESSION_SWEEP_BATCH });
  if (deleted > 0) deps.log.info({ deleted }, "expired sessions deleted");
  const full = deleted >= SESSION_SWEEP_BATCH;
  return {
    kind: "again",
    runAt: full ? now : now + SESSION_SWEEP_EVERY_MS,
    note: full ? "a full batch; more may be expired" : "swept",
  };
};
