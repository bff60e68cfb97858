import { describe, expect, it } from "vitest";
import { VirtualClock } from "./clock.ts";

function fakeRealTime(start = 1_000_000) {
  let now = start;
  return { now: () => now, pass: (ms: number) => (now += ms) };
}

describe("VirtualClock", () => {
  it("follows real time at speed 1, from its own start", () => {
    const real = fakeRealTime();
    const clock = VirtualClock.startingAt(5_000, 1, real.now);
    real.pass(1500);
    expect(clock.now()).toBe(6_500);
  });

  it("stands still at speed 0 until advanced", () => {
    const real = fakeRealTime();
    const clock = VirtualClock.startingAt(5_000, 0, real.now);
    real.pass(60_000);
    expect(clock.now()).toBe(5_000);
    clock.advance(2 * 3600_000);
    expect(clock.now()).toBe(5_000 + 2 * 3600_000);
  });

  it("runs faster for demos: speed 60 makes a real second a virtual minute", () => {
    const real = fakeRealTime();
    const clock = VirtualClock.startingAt(0, 60, real.now);
    real.pass(1000);
    expect(clock.now()).toBe(60_000);
  });

  it("keeps the time reached when the speed changes", () => {
    const real = fakeRealTime();
    const clock = VirtualClock.startingAt(0, 10, real.now);
    real.pass(1000);
    clock.setSpeed(0);
    real.pass(1000);
    expect(clock.now()).toBe(10_000);
  });

  it("never moves backwards", () => {
    const clock = VirtualClock.startingAt(10_000, 0, fakeRealTime().now);
    expect(clock.moveTo(5_000)).toBe(10_000);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it("continues from its saved state after a restart", () => {
    const real = fakeRealTime();
    const before = VirtualClock.startingAt(0, 1, real.now);
    before.advance(3600_000);
    const saved = before.state();
    real.pass(2000); // the sandbox was down for 2 s
    expect(new VirtualClock(saved, real.now).now()).toBe(3600_000 + 2000);
  });

  it("tells its listeners about every jump", () => {
    const clock = VirtualClock.startingAt(0, 0, fakeRealTime().now);
    let calls = 0;
    clock.onChange(() => calls++);
    clock.advance(1);
    clock.setSpeed(2);
    expect(calls).toBe(2);
  });
});
