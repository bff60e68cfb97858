import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../test/database.ts";
import type { DatabaseHandle } from "./connect.ts";
import { claimDueJobs, completeJob, rescheduleJob, scheduleJob } from "./jobs-repo.ts";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(async () => {
  await handle?.close();
});

const job = (n: number, runAt: number) => ({
  id: `job_${n}`,
  kind: "order.query",
  dedupeKey: `query:ord_${n}`,
  queue: "default",
  payload: { orderId: `ord_${n}` },
  runAt,
  now: 0,
});

describe("the job table", () => {
  it("keeps one job per dedupe key, pulled forward but never pushed back", async () => {
    await scheduleJob(handle.db, job(1, 5_000));
    await scheduleJob(handle.db, { ...job(1, 9_000), id: "job_1b" });
    await scheduleJob(handle.db, { ...job(1, 2_000), id: "job_1c" });
    const rows = await handle.db
      .selectFrom("jobs")
      .selectAll()
      .where("dedupe_key", "=", "query:ord_1")
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.run_at).toBe(2_000);
  });

  it("claims only what is due", async () => {
    await scheduleJob(handle.db, job(2, 100_000));
    const claimed = await claimDueJobs(handle.db, handle.dialect, {
      queue: "default",
      workerId: "w1",
      now: 3_000,
      leaseMs: 1_000,
      limit: 10,
    });
    expect(claimed.map((row) => row.id)).toEqual(["job_1"]);
    expect(claimed[0]?.attempts).toBe(1);
  });

  it("never gives a leased job to a second worker, and gives it back after the lease lapses", async () => {
    expect(
      await claimDueJobs(handle.db, handle.dialect, {
        queue: "default",
        workerId: "w2",
        now: 3_500,
        leaseMs: 1_000,
        limit: 10,
      }),
    ).toEqual([]);
    const reclaimed = await claimDueJobs(handle.db, handle.dialect, {
      queue: "default",
      workerId: "w2",
      now: 4_001,
      leaseMs: 1_000,
      limit: 10,
    });
    expect(reclaimed.map((row) => row.locked_by)).toEqual(["w2"]);
  });

  it("lets only the holder complete or reschedule a job", async () => {
    await completeJob(handle.db, "job_1", "w1");
    await rescheduleJob(handle.db, { jobId: "job_1", workerId: "w1", runAt: 1, error: "stale worker" });
    const row = await handle.db
      .selectFrom("jobs")
      .selectAll()
      .where("id", "=", "job_1")
      .executeTakeFirstOrThrow();
    expect(row.locked_by).toBe("w2");
    await completeJob(handle.db, "job_1", "w2");
    expect(await handle.db.selectFrom("jobs").selectAll().where("id", "=", "job_1").execute()).toEqual([]);
  });

  it("splits due jobs between concurrent workers without overlap", async () => {
    for (let n = 10; n < 40; n += 1) await scheduleJob(handle.db, job(n, 1_000));
    const claims = await Promise.all(
      ["a", "b", "c"].map((workerId) =>
        claimDueJobs(handle.db, handle.dialect, {
          queue: "default",
          workerId,
          now: 50_000,
          leaseMs: 10_000,
          limit: 30,
        }),
      ),
    );
    const ids = claims.flat().map((row) => row.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id !== "job_2")).toHaveLength(30);
  });

  it("gives a worker only its own queue's jobs, however long the other queue's are due", async () => {
    await scheduleJob(handle.db, {
      ...job(90, 1),
      kind: "webhook.deliver",
      dedupeKey: "webhook:whd_1",
      queue: "webhooks",
    });
    const claim = (queue: string) =>
      claimDueJobs(handle.db, handle.dialect, {
        queue,
        workerId: queue,
        now: 90_000,
        leaseMs: 1,
        limit: 100,
      });
    expect((await claim("default")).map((row) => row.kind)).not.toContain("webhook.deliver");
    expect((await claim("webhooks")).map((row) => row.id)).toEqual(["job_90"]);
  });
});
