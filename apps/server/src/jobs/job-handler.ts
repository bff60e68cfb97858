import type { AppDeps } from "../app/deps.ts";
import type { JobKind, JobPayloads } from "../app/jobs.ts";
import type { JobRow } from "../db/jobs-repo.ts";

/** Done, or run again at a time the handler chooses (a poll, not a failure). */
export type JobOutcome = { kind: "done" } | { kind: "again"; runAt: number; note: string };

/** A handler must be safe to run twice: a worker can die after the work, before `completeJob`. */
export type JobHandler<K extends JobKind> = (
  deps: AppDeps,
  payload: JobPayloads[K],
  job: JobRow,
) => Promise<JobOutcome>;

/** One handler for every kind of the registry in app/jobs.ts, and nothing else. */
export type JobHandlers = { readonly [K in JobKind]: JobHandler<K> };
