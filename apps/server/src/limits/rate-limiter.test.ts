import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryRateLimiter, type RateLimiter } from "./rate-limiter.ts";
import { RedisRateLimiter } from "./redis-rate-limiter.ts";

let clock = 0;
const limiters: [string, RateLimiter][] = [
  ["memory", new MemoryRateLimiter(() => clock)],
  // The machine and CI run Redis on 127.0.0.1:6379 (see .ci/run); REDIS_URL overrides it.
  [
    "redis",
    new RedisRateLimiter(
      process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      `kassa:test:${randomBytes(4).toString("hex")}:`,
    ),
  ],
];

afterAll(async () => {
  for (const [, limiter] of limiters) await limiter.close();
});

describe.each(limiters)("%s rate limiter", (_name, limiter) => {
  it("allows up to the limit in a window and refuses the next hit", async () => {
    const decisions = [];
    for (let i = 0; i < 4; i += 1) decisions.push(await limiter.hit("ip:1", 3, 60_000));
    expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
    expect(decisions[3]?.resetInMs).toBeGreaterThan(0);
  });

  it("says how many hits the window has had", async () => {
    const counts = [];
    for (let i = 0; i < 3; i += 1) counts.push((await limiter.hit("count:1", 10, 60_000)).count);
    expect(counts).toEqual([1, 2, 3]);
  });

  it("holds a key for a while, and lets it go (a risk rule's throttle)", async () => {
    expect(await limiter.heldFor("hold:1")).toBe(0);
    await limiter.hold("hold:1", 60_000);
    const held = await limiter.heldFor("hold:1");
    expect(held).toBeGreaterThan(50_000);
    expect(held).toBeLessThanOrEqual(60_000);
    expect(await limiter.heldFor("hold:2")).toBe(0);
    await limiter.hold("hold:short", 30);
    clock += 60_000;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await limiter.heldFor("hold:short")).toBe(0);
  });

  it("counts each key apart", async () => {
    expect((await limiter.hit("ip:2", 1, 60_000)).allowed).toBe(true);
    expect((await limiter.hit("ip:3", 1, 60_000)).allowed).toBe(true);
  });

  it("shares one count between instances when concurrent", async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, () => limiter.hit("user:burst", 10, 60_000)),
    );
    expect(results.filter((result) => result.allowed)).toHaveLength(10);
  });
});

/** MemoryRateLimiter's documented default bound (its `maxKeys`). */
const DEFAULT_MAX_KEYS = 100_000;

describe("memory rate limiter", () => {
  it("opens a new window when the old one ends", async () => {
    const limiter = new MemoryRateLimiter(() => clock);
    expect((await limiter.hit("k", 1, 1_000)).allowed).toBe(true);
    expect((await limiter.hit("k", 1, 1_000)).allowed).toBe(false);
    clock += 1_000;
    expect((await limiter.hit("k", 1, 1_000)).allowed).toBe(true);
  });

  it("holds at most maxKeys windows: a new key evicts the least recently hit one, whose count then restarts", async () => {
    const limiter = new MemoryRateLimiter(() => clock, { maxKeys: 3 });
    await limiter.hit("a", 1, 60_000);
    await limiter.hit("b", 1, 60_000);
    await limiter.hit("c", 1, 60_000);
    expect((await limiter.hit("a", 1, 60_000)).allowed).toBe(false); // "a" is now the most recent
    await limiter.hit("d", 1, 60_000); // full: evicts "b", the least recently hit
    expect(limiter.size).toBe(3);
    expect((await limiter.hit("a", 1, 60_000)).allowed).toBe(false); // kept its count
    expect((await limiter.hit("b", 1, 60_000)).allowed).toBe(true); // evicted: its count restarted
    expect(limiter.size).toBe(3);
  });

  it("keeps memory bounded at the default maxKeys under a spray of new keys", async () => {
    const limiter = new MemoryRateLimiter(() => clock);
    for (let i = 0; i < DEFAULT_MAX_KEYS + 5_000; i += 1) await limiter.hit(`spray:${i}`, 1, 60_000);
    expect(limiter.size).toBe(DEFAULT_MAX_KEYS);
  });

  it("a new key past the bound evicts one window and scans no others, even when all have expired", async () => {
    // The old sweep walked the whole map on each new key past 100,000 entries, deleting every
    // expired window at once; evicting one entry per new key leaves the others untouched.
    const limiter = new MemoryRateLimiter(() => clock);
    for (let i = 0; i < DEFAULT_MAX_KEYS; i += 1) await limiter.hit(`old:${i}`, 1, 1_000);
    clock += 1_000; // every window above has ended
    await limiter.hit("new", 1, 1_000);
    expect(limiter.size).toBe(DEFAULT_MAX_KEYS);
    const again = await limiter.hit(`old:${DEFAULT_MAX_KEYS - 1}`, 1, 1_000);
    expect(again).toEqual({ allowed: true, count: 1, resetInMs: 1_000 }); // an ended window counts from zero
  });
});
