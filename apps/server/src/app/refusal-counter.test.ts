import { describe, expect, it } from "vitest";
import { RefusalCounter } from "./refusal-counter.ts";

/** Time only moves when the test says so. */
function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe("RefusalCounter: a flood of refusals writes a bounded number of lines", () => {
  it("says to log the first refusal of a reason at once", () => {
    const counter = new RefusalCounter(fakeClock());
    expect(counter.count("VERIFY_SIGNATURE_INVALID")).toEqual({
      reason: "VERIFY_SIGNATURE_INVALID",
      refused: 1,
      sinceMs: 0,
      summary: false,
    });
  });

  it("stays quiet for further refusals of that reason within the minute", () => {
    const clock = fakeClock();
    const counter = new RefusalCounter(clock);
    counter.count("VERIFY_SIGNATURE_INVALID");
    for (let refusal = 0; refusal < 1_000; refusal += 1) {
      clock.advance(59);
      expect(counter.count("VERIFY_SIGNATURE_INVALID")).toBeUndefined();
    }
  });

  it("writes one summary per reason per minute, with the count since the last line", () => {
    const clock = fakeClock();
    const counter = new RefusalCounter(clock);
    counter.count("VERIFY_SIGNATURE_INVALID");
    for (let refusal = 0; refusal < 699; refusal += 1) counter.count("VERIFY_SIGNATURE_INVALID");
    clock.advance(60_000);
    expect(counter.count("VERIFY_SIGNATURE_INVALID")).toEqual({
      reason: "VERIFY_SIGNATURE_INVALID",
      refused: 700,
      sinceMs: 60_000,
      summary: true,
    });
    clock.advance(30_000);
    expect(counter.count("VERIFY_SIGNATURE_INVALID")).toBeUndefined();
    clock.advance(30_000);
    expect(counter.count("VERIFY_SIGNATURE_INVALID")).toMatchObject({ refused: 2, sinceMs: 60_000 });
  });

  it("over ten minutes of a steady flood writes at most one line a minute", () => {
    const clock = fakeClock();
    const counter = new RefusalCounter(clock);
    let lines = 0;
    let counted = 0;
    for (let refusal = 0; refusal < 6_000; refusal += 1) {
      const line = counter.count("VERIFY_SIGNATURE_INVALID");
      if (line) {
        lines += 1;
        counted += line.refused;
      }
      clock.advance(100);
    }
    expect(lines).toBeLessThanOrEqual(11);
    // Nothing lost: every refusal is in some line, except those after the last line.
    expect(counted).toBeGreaterThan(6_000 - 600);
  });

  it("counts each reason on its own: a flood of one does not silence the first of another", () => {
    const counter = new RefusalCounter(fakeClock());
    for (let refusal = 0; refusal < 50; refusal += 1) counter.count("VERIFY_SIGNATURE_INVALID");
    expect(counter.count("VERIFY_TIMESTAMP_OUT_OF_WINDOW")).toMatchObject({ refused: 1, summary: false });
  });

  it("keeps memory bounded: reasons past the cap are counted together as other", () => {
    const counter = new RefusalCounter(fakeClock(), 60_000, 3);
    for (const reason of ["a", "b", "c"]) counter.count(reason);
    expect(counter.count("d")).toMatchObject({ reason: "other", summary: false });
    expect(counter.count("e")).toBeUndefined();
  });
});
