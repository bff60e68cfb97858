import type { AppDeps } from "../app/deps.ts";
import type { JobRow } from "../db/jobs-repo.ts";

/** Done, or run again at a time the handler chooses (a poll, not a failure). */
export type JobOutcome = { kind: "done" } | { kind: "again"; runAt: number; note: string };

/** A handler must be safe to run twice: a worker can die after the work, before `completeJob`. */
export type JobHandler = (deps: AppDeps, job: JobRow) => Promise<JobOutcome>;

export function orderIdOf(job: JobRow): string {
  const payload = JSON.parse(job.payload) as { orderId?: unknown };
  if (typeof payload.orderId !== "string") throw new Error(`job ${job.id} has no orderId`);
  return payload.orderId;
}
