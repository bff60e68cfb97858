import type { VirtualClock } from "./clock.ts";
import type { Table } from "./store.ts";

/**
 * Timed jobs on the virtual clock (issue 3, "Virtual time"): prepay-id and order expiry
 * now; notification retries, refund settlement and bill generation later, each a job
 * `kind` with its own handler registered at start.
 *
 * Deterministic: jobs fire in (dueAt, schedule order); `advanceBy` moves the clock to each
 * job's due time before running it, so a handler sees the time it was due at, and jobs
 * that handlers schedule inside the window fire in the same pass. One pass at a time.
 * Jobs are records in the store, so they survive a restart and overdue ones fire on the
 * first pass after it.
 */

export interface JobRecord {
  id: string;
  kind: string;
  dueAt: number;
  /** Order of scheduling: breaks ties between jobs due at the same millisecond. */
  seq: number;
  payload: unknown;
}

export type JobHandler = (job: JobRecord) => void | Promise<void>;

export interface FiredJob {
  id: string;
  kind: string;
  dueAt: number;
  /** Set when the handler threw; the job is dropped rather than retried forever. */
  error?: string;
}

export class Scheduler {
  readonly #clock: VirtualClock;
  readonly #jobs: Table<JobRecord>;
  readonly #handlers = new Map<string, JobHandler>();
  readonly #onHandlerError: (job: JobRecord, error: unknown) => void;
  readonly #onPassEnd: (() => Promise<void>) | undefined;
  #seq: number;
  #pass: Promise<unknown> = Promise.resolve();
  #busy = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = true;
  #concurrency = 1;

  /**
   * @param onPassEnd runs after a pass that fired jobs (the store's commit): handlers that
   *   fire by the hundred (notification retries over a day) need not each write the state.
   */
  constructor(
    clock: VirtualClock,
    jobs: Table<JobRecord>,
    onHandlerError: (job: JobRecord, error: unknown) => void,
    onPassEnd?: () => Promise<void>,
  ) {
    this.#clock = clock;
    this.#jobs = jobs;
    this.#onHandlerError = onHandlerError;
    this.#onPassEnd = onPassEnd;
    this.#seq = jobs.values().reduce((max, job) => Math.max(max, job.seq), 0) + 1;
    clock.onChange(() => this.#arm());
  }

  register(kind: string, handler: JobHandler): void {
    if (this.#handlers.has(kind)) throw new Error(`a handler for job kind "${kind}" is already registered`);
    this.#handlers.set(kind, handler);
  }

  /** Schedule a job; the caller commits the store with its own change. */
  schedule(kind: string, dueAt: number, payload: unknown): JobRecord {
    if (!this.#handlers.has(kind)) throw new Error(`no handler is registered for job kind "${kind}"`);
    const seq = this.#seq++;
    const job: JobRecord = { id: `job_${seq}`, kind, dueAt, seq, payload };
    this.#jobs.set(job.id, job);
    this.#arm();
    return job;
  }

  cancel(id: string): boolean {
    return this.#jobs.delete(id);
  }

  /** Pending jobs in firing order. */
  pending(): JobRecord[] {
    return this.#jobs.values().sort(byDueThenSeq);
  }

  /**
   * How many jobs already due run at once when jobs fire in real time (not when a test
   * advances the clock, which always fires one at a time in time order). 1, the default,
   * keeps every run in one reproducible order; more lets notifications to different orders
   * go out together, as WeChat Pay's do, for load tests.
   */
  setConcurrency(jobs: number): void {
    if (!Number.isInteger(jobs) || jobs < 1)
      throw new RangeError(`concurrency must be a whole number >= 1; got ${jobs}`);
    this.#concurrency = jobs;
  }

  /** Fire every job due by now(). */
  runDue(): Promise<FiredJob[]> {
    return this.#exclusive(() => this.#fireUntil(() => this.#clock.now()));
  }

  /**
   * The per-request catch-up: fire due jobs unless a pass is already running. Waiting for
   * that pass could deadlock: a job delivering a notification waits for the merchant, who
   * may be calling the simulator right now.
   */
  async runDueIfIdle(): Promise<void> {
    if (!this.#busy) await this.runDue();
  }

  /** Move the clock forward by `ms`, firing due jobs in time order on the way. */
  advanceBy(ms: number): Promise<FiredJob[]> {
    if (!Number.isSafeInteger(ms) || ms < 0)
      throw new RangeError(`advance by a whole number of ms >= 0; got ${ms}`);
    return this.#exclusive(async () => {
      const target = this.#clock.now() + ms;
      const fired = await this.#fireUntil(() => target, true);
      this.#clock.moveTo(target);
      return fired;
    });
  }

  /** With a running clock (speed > 0), fire jobs when they fall due in real time too. */
  start(): void {
    this.#stopped = false;
    this.#arm();
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }

  /** Resolves when the running pass (if any) has finished. */
  idle(): Promise<void> {
    return this.#pass.then(() => undefined);
  }

  async #fireUntil(limit: () => number, moveClock = false): Promise<FiredJob[]> {
    const fired: FiredJob[] = [];
    const width = moveClock ? 1 : this.#concurrency;
    for (;;) {
      const batch: JobRecord[] = [];
      for (
        let next = this.#earliest();
        next && next.dueAt <= limit() && batch.length < width;
        next = this.#earliest()
      ) {
        this.#jobs.delete(next.id);
        batch.push(next);
      }
      if (batch.length === 0) return fired;
      if (moveClock) this.#clock.moveTo(batch[0]!.dueAt);
      fired.push(...(await Promise.all(batch.map((job) => this.#fire(job)))));
    }
  }

  async #fire(job: JobRecord): Promise<FiredJob> {
    const record: FiredJob = { id: job.id, kind: job.kind, dueAt: job.dueAt };
    try {
      await this.#handlers.get(job.kind)?.(job);
    } catch (error) {
      record.error = (error as Error).message;
      this.#onHandlerError(job, error);
    }
    return record;
  }

  /** A linear scan: cheaper than keeping thousands of jobs sorted on every request. */
  #earliest(): JobRecord | undefined {
    let best: JobRecord | undefined;
    for (const job of this.#jobs.iterate()) if (!best || byDueThenSeq(job, best) < 0) best = job;
    return best;
  }

  #exclusive(work: () => Promise<FiredJob[]>): Promise<FiredJob[]> {
    const run = this.#pass.then(async () => {
      this.#busy = true;
      try {
        const fired = await work();
        if (fired.length > 0) await this.#onPassEnd?.();
        return fired;
      } finally {
        this.#busy = false;
        this.#arm(); // the next job's timer, now that this pass consumed the earlier ones
      }
    });
    this.#pass = run.catch(() => undefined);
    return run;
  }

  #arm(): void {
    clearTimeout(this.#timer);
    const speed = this.#clock.speed;
    const next = this.#earliest();
    if (this.#stopped || !next) return;
    const due = next.dueAt - this.#clock.now();
    // A frozen clock (speed 0) never reaches a future job by itself, but a job due now
    // (a notification's first attempt) fires at once: time does not move for it.
    if (speed === 0 && due > 0) return;
    const realDelay = speed === 0 ? 0 : Math.max(0, due / speed);
    this.#timer = setTimeout(() => void this.runDueIfIdle(), Math.min(realDelay + 1, 2 ** 31 - 1));
    this.#timer.unref();
  }
}

function byDueThenSeq(a: JobRecord, b: JobRecord): number {
  return a.dueAt - b.dueAt || a.seq - b.seq;
}
