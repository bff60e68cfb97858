import { describe, expect, it } from "vitest";
import { VirtualClock } from "./clock.ts";
import { type JobRecord, Scheduler } from "./scheduler.ts";
import { Table } from "./store.ts";

function setup(jobs = new Table<JobRecord>(new Map())) {
  const clock = VirtualClock.startingAt(0, 0);
  const errors: string[] = [];
  const scheduler = new Scheduler(clock, jobs, (job) => errors.push(job.id));
  const seen: string[] = [];
  scheduler.register("note", (job) => {
    seen.push(`${job.payload}@${clock.now()}`);
  });
  return { clock, scheduler, seen, errors, jobs };
}

describe("Scheduler", () => {
  it("fires due jobs in time order, whatever order they were scheduled in, with the clock at each due time", async () => {
    const { scheduler, seen, clock } = setup();
    scheduler.schedule("note", 300, "c");
    scheduler.schedule("note", 100, "a");
    scheduler.schedule("note", 200, "b");
    scheduler.schedule("note", 900, "later");
    const fired = await scheduler.advanceBy(500);
    expect(seen).toEqual(["a@100", "b@200", "c@300"]);
    expect(fired.map((job) => job.dueAt)).toEqual([100, 200, 300]);
    expect(clock.now()).toBe(500);
    expect(scheduler.pending().map((job) => job.payload)).toEqual(["later"]);
  });

  it("fires jobs due at the same time in the order they were scheduled", async () => {
    const { scheduler, seen } = setup();
    for (const name of ["x", "y", "z"]) scheduler.schedule("note", 50, name);
    await scheduler.advanceBy(50);
    expect(seen).toEqual(["x@50", "y@50", "z@50"]);
  });

  it("fires, in the same pass, jobs that handlers schedule inside the window", async () => {
    const { scheduler, seen, clock } = setup();
    scheduler.register("chain", (job) => {
      seen.push(`chain@${clock.now()}`);
      if ((job.payload as number) > 0)
        scheduler.schedule("chain", clock.now() + 15_000, (job.payload as number) - 1);
    });
    scheduler.schedule("chain", 15_000, 2);
    await scheduler.advanceBy(60_000);
    expect(seen).toEqual(["chain@15000", "chain@30000", "chain@45000"]);
  });

  it("fires nothing before its time, and cancelled jobs never", async () => {
    const { scheduler, seen } = setup();
    scheduler.schedule("note", 100, "kept");
    const cancelled = scheduler.schedule("note", 100, "cancelled");
    scheduler.cancel(cancelled.id);
    await scheduler.advanceBy(99);
    expect(seen).toEqual([]);
    await scheduler.runDue();
    expect(seen).toEqual([]);
    await scheduler.advanceBy(1);
    expect(seen).toEqual(["kept@100"]);
  });

  it("reports a failing handler and goes on with the next job", async () => {
    const { scheduler, seen, errors } = setup();
    scheduler.register("boom", () => {
      throw new Error("handler bug");
    });
    const broken = scheduler.schedule("boom", 10, undefined);
    scheduler.schedule("note", 20, "after");
    const fired = await scheduler.advanceBy(30);
    expect(errors).toEqual([broken.id]);
    expect(fired[0]).toMatchObject({ kind: "boom", error: "handler bug" });
    expect(seen).toEqual(["after@20"]);
  });

  it("picks up saved jobs, and numbers new ones after them", async () => {
    const first = setup();
    first.scheduler.schedule("note", 100, "saved");
    const second = setup(first.jobs);
    const next = second.scheduler.schedule("note", 100, "new");
    expect(next.seq).toBeGreaterThan(first.scheduler.pending()[0]!.seq);
    await second.scheduler.advanceBy(100);
    expect(second.seen).toEqual(["saved@100", "new@100"]);
  });

  it("refuses jobs of a kind nobody handles", () => {
    expect(() => setup().scheduler.schedule("unknown", 1, undefined)).toThrow(/no handler/);
  });

  it("fires due jobs by itself when the clock runs (speed > 0)", async () => {
    const { scheduler, seen, clock } = setup();
    clock.setSpeed(1000); // a real millisecond is a virtual second
    scheduler.start();
    scheduler.schedule("note", clock.now() + 20_000, "first");
    scheduler.schedule("note", clock.now() + 40_000, "second");
    await new Promise((resolve) => setTimeout(resolve, 150));
    scheduler.stop();
    expect(seen.map((entry) => entry.split("@")[0])).toEqual(["first", "second"]);
  });

  it("runs due jobs together up to the concurrency when they fire in real time", async () => {
    const { scheduler } = setup();
    let running = 0;
    let most = 0;
    scheduler.register("slow", async () => {
      running += 1;
      most = Math.max(most, running);
      await new Promise((resolve) => setTimeout(resolve, 10));
      running -= 1;
    });
    for (let n = 0; n < 6; n += 1) scheduler.schedule("slow", 0, n);
    await scheduler.runDue();
    expect(most).toBe(1);
    scheduler.setConcurrency(4);
    for (let n = 0; n < 6; n += 1) scheduler.schedule("slow", 0, n);
    const fired = await scheduler.runDue();
    expect(most).toBe(4);
    expect(fired).toHaveLength(6);
  });

  it("still fires one at a time, in time order, when the clock is advanced", async () => {
    const { scheduler, seen } = setup();
    scheduler.setConcurrency(8);
    for (const [at, name] of [
      [30, "c"],
      [10, "a"],
      [20, "b"],
    ] as const)
      scheduler.schedule("note", at, name);
    await scheduler.advanceBy(40);
    expect(seen).toEqual(["a@10", "b@20", "c@30"]);
  });
});
