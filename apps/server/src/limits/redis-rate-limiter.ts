import { Redis } from "ioredis";
import type { RateDecision, RateLimiter } from "./rate-limiter.ts";

/** INCR and PEXPIRE in one round trip: the first hit of a window starts its clock. */
const HIT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('PTTL', KEYS[1])}
`;

export class RedisRateLimiter implements RateLimiter {
  readonly #redis: Redis;
  constructor(
    url: string,
    private readonly prefix = "kassa:rl:",
  ) {
    this.#redis = new Redis(url, { maxRetriesPerRequest: 2, connectTimeout: 2_000 });
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const [count, ttl] = (await this.#redis.eval(HIT_SCRIPT, 1, this.prefix + key, String(windowMs))) as [
      number,
      number,
    ];
    return { allowed: count <= limit, count, resetInMs: ttl > 0 ? ttl : windowMs };
  }

  async hold(key: string, ms: number): Promise<void> {
    await this.#redis.set(`${this.prefix}hold:${key}`, "1", "PX", Math.max(1, Math.round(ms)));
  }

  async heldFor(key: string): Promise<number> {
    const ttl = await this.#redis.pttl(`${this.prefix}hold:${key}`);
    return Math.max(ttl, 0);
  }

  async close(): Promise<void> {
    await this.#redis.quit();
  }
}
