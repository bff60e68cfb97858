import type { Executor } from "../db/executor.ts";
import { listDueAndFailedJobs, retryJobNow } from "../db/jobs-admin-repo.ts";
import type { JobRow } from "../db/jobs-repo.ts";

export const JOBS_USAGE = "Usage:\n  npm run kassa -- jobs [--json]\n  npm run kassa -- jobs retry JOB_ID";

/** At most this many rows are listed: a backlog's size is in the last line, not the screen. */
export const JOBS_LISTED = 100;

/**
 * `npm run kassa -- jobs`: the jobs that are due (run_at passed: a worker should be running
 * them) and those whose last run failed (they run again after a backoff), with why.
 * `jobs retry JOB_ID` runs one at the next poll. Exit codes: 0 listed or scheduled; 1 no such
 * job, or a worker holds it right now (try again when it is done); 2 a usage mistake.
 */
export async function runJobsCommand(
  argv: readonly string[],
  io: { db: Executor; now: () => number; out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  if (argv[0] === "jobs" && argv[1] === "retry" && argv.length === 3) return retry(argv[2] as string, io);
  const json = argv.length === 2 && argv[1] === "--json";
  if (argv[0] !== "jobs" || (argv.length !== 1 && !json)) {
    io.err(JOBS_USAGE);
    return 2;
  }
  const now = io.now();
  const jobs = await listDueAndFailedJobs(io.db, { now, limit: JOBS_LISTED });
  const views = jobs.map((job) => view(job, now));
  if (json) {
    io.out(JSON.stringify({ jobs: views, truncated: jobs.length === JOBS_LISTED }));
    return 0;
  }
  for (const job of views)
    io.out(
      [
        job.id,
        job.kind,
        job.state,
        `run at ${new Date(job.runAt).toISOString()}`,
        `attempts ${job.attempts}`,
        ...(job.lastError ? [`last error: ${job.lastError}`] : []),
      ].join("  "),
    );
  const failed = views.filter((job) => job.lastError !== null).length;
  const more = jobs.length === JOBS_LISTED ? ` (the first ${JOBS_LISTED} shown)` : "";
  io.out(
    views.length === 0
      ? "jobs: none due, none failed"
      : `jobs: ${views.length - failed} due, ${failed} failed${more}; npm run kassa -- jobs retry JOB_ID runs one now`,
  );
  return 0;
}

async function retry(
  jobId: string,
  io: { db: Executor; now: () => number; out: (line: string) => void; err: (line: string) => void },
): Promise<number> {
  const outcome = await retryJobNow(io.db, { jobId, now: io.now() });
  if (outcome === "scheduled") {
    io.out(`jobs retry: ${jobId} runs at the next poll of a running Kassa`);
    return 0;
  }
  io.err(
    outcome === "running"
      ? `jobs retry: ${jobId} is running in a worker now; look again with npm run kassa -- jobs when it is done`
      : `jobs retry: there is no job ${jobId} (done jobs are removed); npm run kassa -- jobs lists those due or failed`,
  );
  return 1;
}

function view(job: JobRow, now: number) {
  const running = job.locked_until !== null && job.locked_until > now;
  return {
    id: job.id,
    kind: job.kind,
    queue: job.queue,
    state: running ? "running" : job.last_error !== null ? "failed" : "due",
    runAt: job.run_at,
    attempts: job.attempts,
    lastError: job.last_error,
  };
}
