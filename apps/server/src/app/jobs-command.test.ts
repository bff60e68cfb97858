import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import { claimDueJobs, rescheduleJob, scheduleJob } from "../db/jobs-repo.ts";
import { jobPlacement } from "./jobs.ts";
import { runJobsCommand } from "./jobs-command.ts";

/**
 * `npm run kassa -- jobs`: due and failed jobs with why, and `jobs retry` of one, on jobs the
 * worker's own functions claimed and failed (db/jobs-repo.ts).
 */
const NOW = 1_800_000_000_000;
let database: TestDatabase;

async function schedule(id: string, orderId: string, runAt: number) {
  await scheduleJob(database.db, {
    id,
    kind: "order.query",
    ...jobPlacement("order.query", { orderId }),
    payload: { orderId },
    runAt,
    now: NOW - 60_000,
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  await schedule("job_due", "ord_due", NOW - 1_000);
  await schedule("job_later", "ord_later", NOW + 3_600_000);
  await schedule("job_failed", "ord_failed", NOW - 120_000);
  await schedule("job_running", "ord_running", NOW - 90_000);
  // job_failed ran and threw: the worker put it back with its error and a backoff.
  const claimed = await claimDueJobs(database.db, database.dialect, {
    queue: "default",
    workerId: "wrk_test",
    now: NOW - 100_000,
    leaseMs: 30_000,
    limit: 1,
  });
  expect(claimed.map((job) => job.id)).toEqual(["job_failed"]);
  await rescheduleJob(database.db, {
    jobId: "job_failed",
    workerId: "wrk_test",
    runAt: NOW + 600_000,
    error: "channel unavailable: connect ECONNREFUSED",
  });
  // job_running is held by a worker right now.
  await claimDueJobs(database.db, database.dialect, {
    queue: "default",
    workerId: "wrk_busy",
    now: NOW - 10_000,
    leaseMs: 60_000,
    limit: 1,
  });
});
afterAll(async () => {
  await database?.close();
});

async function run(argv: string[], now = NOW) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runJobsCommand(argv, {
    db: database.db,
    now: () => now,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

describe("kassa jobs", () => {
  it("lists the jobs due and those that failed, with why; not those scheduled later", async () => {
    const { code, out } = await run(["jobs"]);
    expect(code).toBe(0);
    expect(out).toEqual([
      expect.stringMatching(/^job_running {2}order\.query {2}running {2}run at .* {2}attempts 1$/),
      expect.stringMatching(/^job_due {2}order\.query {2}due {2}run at .* {2}attempts 0$/),
      expect.stringMatching(
        /^job_failed {2}order\.query {2}failed {2}run at .* {2}attempts 1 {2}last error: channel unavailable: connect ECONNREFUSED$/,
      ),
      "jobs: 2 due, 1 failed; npm run kassa -- jobs retry JOB_ID runs one now",
    ]);
    const json = JSON.parse((await run(["jobs", "--json"])).out[0] ?? "{}") as {
      jobs: { id: string; state: string }[];
    };
    expect(json.jobs.map((job) => [job.id, job.state])).toEqual([
      ["job_running", "running"],
      ["job_due", "due"],
      ["job_failed", "failed"],
    ]);
  });

  it("retry runs a failed job at the next poll, with its attempts counted from 0 again", async () => {
    expect(await run(["jobs", "retry", "job_failed"])).toEqual({
      code: 0,
      out: ["jobs retry: job_failed runs at the next poll of a running Kassa"],
      err: [],
    });
    const row = await database.db
      .selectFrom("jobs")
      .select(["run_at", "attempts"])
      .where("id", "=", "job_failed")
      .executeTakeFirstOrThrow();
    expect({ runAt: Number(row.run_at), attempts: row.attempts }).toEqual({ runAt: NOW, attempts: 0 });
    const claimed = await claimDueJobs(database.db, database.dialect, {
      queue: "default",
      workerId: "wrk_next",
      now: NOW,
      leaseMs: 30_000,
      limit: 10,
    });
    expect(claimed.map((job) => job.id).sort()).toEqual(["job_due", "job_failed"]);
  });

  it("refuses, with exit 1, a job a worker holds and one that does not exist; 2 for a usage mistake", async () => {
    expect(await run(["jobs", "retry", "job_running"])).toMatchObject({
      code: 1,
      err: [expect.stringContaining("is running in a worker now")],
    });
    expect(await run(["jobs", "retry", "job_nope"])).toMatchObject({
      code: 1,
      err: [expect.stringContaining("there is no job job_nope")],
    });
    expect(await run(["jobs", "list", "extra"])).toMatchObject({
      code: 2,
      err: [expect.stringContaining("jobs retry JOB_ID")],
    });
  });
});
