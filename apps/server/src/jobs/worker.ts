import { randomBytes } from "node:crypto";
import type { AppDeps } from "../app/deps.ts";
import { JOB_KINDS, type JobKind, type JobPayloads, type JobQueue, scheduleJobOf } from "../app/jobs.ts";
import { claimDueJobs, completeJob, type JobRow, releaseLeases, rescheduleJob } from "../db/jobs-repo.ts";
import { alertNotifyJob } from "./alert-notify.job.ts";
import { bookingRefundJob } from "./booking-refund.job.ts";
import { dataPurgeJob } from "./data-purge.job.ts";
import type { JobHandler, JobHandlers } from "./job-handler.ts";
import { orderCloseAgainJob } from "./order-close-again.job.ts";
import { orderExpireJob } from "./order-expire.job.ts";
import { orderQueryJob } from "./order-query.job.ts";
import { reconciliationDayJob } from "./reconciliation-day.job.ts";
import { reconciliationScheduleJob } from "./reconciliation-schedule.job.ts";
import { refundQueryJob } from "./refund-query.job.ts";
import { sessionSweepJob } from "./session-sweep.job.ts";
import { webhookDeliverJob } from "./webhook-deliver.job.ts";

export const JOB_HANDLERS: JobHandlers = {
  "order.query": orderQueryJob,
  "order.expire": orderExpireJob,
  "order.close_again": orderCloseAgainJob,
  "session.sweep": sessionSweepJob,
  "reconciliation.day": reconciliationDayJob,
  "reconciliation.schedule": reconciliationScheduleJob,
  "webhook.deliver": webhookDeliverJob,
  "refund.query": refundQueryJob,
  "booking.refund": bookingRefundJob,
  "data.purge": dataPurgeJob,
  "alert.notify": alertNotifyJob,
};

/**
 * Housekeeping jobs that run for ever, each rescheduling itself. One row per kind (its
 * dedupe key is the kind), however many workers and instances start; a restart keeps the
 * scheduled time.
 */
export const RECURRING_JOBS: readonly {
  kind: "session.sweep" | "reconciliation.schedule" | "data.purge";
  firstRunInMs: number;
}[] = [
  { kind: "session.sweep", firstRunInMs: 60_000 },
  { kind: "reconciliation.schedule", firstRunInMs: 60_000 },
  // Not at start: a first start after an upgrade should serve before it purges.
  { kind: "data.purge", firstRunInMs: 10 * 60_000 },
];

export interface WorkerOptions {
  pollMs: number;
  batchSize: number;
  leaseMs: number;
  /** The queue it claims from (app/jobs.ts); `default` when left out. */
  queue?: JobQueue;
  /**
   * Run up to this many jobs at once and claim more at the next poll while some still run,
   * instead of waiting for a whole batch: a job waiting on a slow receiver holds one slot,
   * never the others. Without it, each batch is awaited before the next claim.
   */
  concurrency?: number;
}

/**
 * Runs due jobs. Any number of workers, in any number of instances, may run against one
 * database: claiming is a compare-and-set (SKIP LOCKED on PostgreSQL), and a job whose
 * worker died is claimed again when its lease lapses.
 */
export class JobWorker {
  readonly workerId = `wrk_${randomBytes(6).toString("hex")}`;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = true;
  readonly #inFlight = new Set<Promise<void>>();

  constructor(
    private readonly deps: AppDeps,
    private readonly options: WorkerOptions,
    private readonly handlers: JobHandlers = JOB_HANDLERS,
  ) {}

  get queue(): JobQueue {
    return this.options.queue ?? "default";
  }

  start(): void {
    this.#stopped = false;
    this.#running = this.scheduleRecurringJobs()
      .catch((error: unknown) => this.deps.log.error({ err: error }, "recurring jobs not scheduled"))
      .finally(() => this.#schedule(this.options.pollMs));
  }

  /** Make sure each recurring job exists; start() calls it, and tests that drive the worker. */
  async scheduleRecurringJobs(): Promise<void> {
    if (this.queue !== "default") return;
    const now = this.deps.clock.now();
    for (const job of RECURRING_JOBS) await scheduleJobOf(this.deps, job.kind, {}, now + job.firstRunInMs);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    await Promise.all(this.#inFlight);
  }

  /**
   * Graceful shutdown: claim nothing more, let the jobs running finish for up to `deadlineMs`,
   * then give back the leases of those still running (releaseLeases). Returns how many.
   */
  async drain(deadlineMs: number): Promise<number> {
    const finished = await withinDeadline(this.stop(), deadlineMs);
    return finished ? 0 : releaseLeases(this.deps.db, this.workerId);
  }

  /** Claim and run one batch, and wait for it; returns how many jobs ran. Tests call this directly. */
  async runDueJobs(): Promise<number> {
    const jobs = await this.#claim(this.options.batchSize);
    await Promise.all(jobs.map((job) => this.#run(job)));
    return jobs.length;
  }

  #claim(limit: number): Promise<JobRow[]> {
    return claimDueJobs(this.deps.db, this.deps.dialect, {
      queue: this.queue,
      workerId: this.workerId,
      now: this.deps.clock.now(),
      leaseMs: this.options.leaseMs,
      limit,
    });
  }

  /** Pool mode: start due jobs in the free slots; returns whether every slot was filled. */
  async #fillSlots(concurrency: number): Promise<boolean> {
    const free = Math.min(concurrency - this.#inFlight.size, this.options.batchSize);
    if (free <= 0) return false;
    const jobs = await this.#claim(free);
    for (const job of jobs) {
      const running: Promise<void> = this.#run(job).finally(() => this.#inFlight.delete(running));
      this.#inFlight.add(running);
    }
    return jobs.length === free;
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    const concurrency = this.options.concurrency;
    this.#timer = setTimeout(() => {
      let next = this.options.pollMs;
      const tick =
        concurrency === undefined
          ? this.runDueJobs()
          : this.#fillSlots(concurrency).then((full) => {
              // More may be due: look again at once instead of a poll later.
              if (full) next = 0;
            });
      this.#running = tick
        .catch((error: unknown) => this.deps.log.error({ err: error }, "job batch failed"))
        .finally(() => this.#schedule(next));
    }, delayMs);
  }

  async #run(job: JobRow): Promise<void> {
    try {
      if (!isJobKind(job.kind)) throw new Error(`no handler for job kind ${job.kind}`);
      // The payload was written by scheduleJobOf for this kind, so it has this kind's type.
      const handler = this.handlers[job.kind] as JobHandler<JobKind>;
      const outcome = await handler(this.deps, JSON.parse(job.payload) as JobPayloads[JobKind], job);
      if (outcome.kind === "done") await completeJob(this.deps.db, job.id, this.workerId);
      else
        await rescheduleJob(this.deps.db, {
          jobId: job.id,
          workerId: this.workerId,
          runAt: outcome.runAt,
          error: null,
        });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.deps.log.warn(
        { jobId: job.id, kind: job.kind, attempts: job.attempts, error: message },
        "job failed; retrying",
      );
      await rescheduleJob(this.deps.db, {
        jobId: job.id,
        workerId: this.workerId,
        runAt: this.deps.clock.now() + backoffMs(job.attempts),
        error: message.slice(0, 500),
      });
    }
  }
}

/** Whether `work` settled within `ms`; it goes on either way. */
export async function withinDeadline(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, ms, false);
  });
  try {
    return await Promise.race([work.then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Capped, jittered exponential backoff: 5 s, 10 s, 20 s ... at most 15 minutes. */
export function backoffMs(attempts: number): number {
  const base = Math.min(5_000 * 2 ** Math.max(0, attempts - 1), 15 * 60_000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

function isJobKind(kind: string): kind is JobKind {
  return (JOB_KINDS as string[]).includes(kind);
}
