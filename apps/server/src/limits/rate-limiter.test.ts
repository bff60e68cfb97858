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

describe("memory rate limiter", () => {
  it("opens a new window when the old one ends", async () => {
    const limiter = new MemoryRateLimiter(() => clock);
    expect((await limiter.hit("k", 1, 1_000)).allowed).toBe(true);
    expect((await limiter.hit("k", 1, 1_000)).allowed).toBe(false);
    clock += 1_000;
    expect((await limiter.hit("k", 1, 1_000)).allowed).toBe(true);
  });
});
