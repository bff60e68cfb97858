import { describe, expect, it } from "vitest";
import { RandomSource } from "./random.ts";

describe("RandomSource", () => {
  it("replays the same draws from the same seed", () => {
    const a = new RandomSource("replay-me").stream("ids");
    const b = new RandomSource("replay-me").stream("ids");
    expect([a.hex(16), a.digits(10), a.float()]).toEqual([b.hex(16), b.digits(10), b.float()]);
  });

  it("draws differently from different seeds", () => {
    expect(new RandomSource("1").stream("ids").hex(32)).not.toBe(new RandomSource("2").stream("ids").hex(32));
  });

  it("keeps streams independent: drawing ids never shifts fault decisions", () => {
    const quiet = new RandomSource("s");
    const busy = new RandomSource("s");
    busy.stream("ids").hex(1000);
    expect(busy.stream("faults").float()).toBe(quiet.stream("faults").float());
  });

  it("continues a stream after a snapshot is restored, as after a restart", () => {
    const source = new RandomSource("s");
    source.stream("ids").hex(10);
    const restored = new RandomSource("s", source.snapshot());
    expect(restored.stream("ids").hex(10)).toBe(source.stream("ids").hex(10));
  });

  it("draws nothing for certain chances, so rules with probability 1 never shift the stream", () => {
    const a = new RandomSource("s").stream("faults");
    const b = new RandomSource("s").stream("faults");
    expect(a.chance(1)).toBe(true);
    expect(a.chance(0)).toBe(false);
    expect(a.float()).toBe(b.float());
  });

  it("spreads floats over [0, 1)", () => {
    const stream = new RandomSource("spread").stream("x");
    const draws = Array.from({ length: 10_000 }, () => stream.float());
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThan(1);
    const mean = draws.reduce((sum, value) => sum + value, 0) / draws.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });
});
