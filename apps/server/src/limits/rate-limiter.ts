import { LRUCache } from "lru-cache";

/**
 * Fixed-window rate limits, per IP and per user (product.md "Security"). In memory by
 * default; in Redis when configured, so several instances share one count.
 */
export interface RateLimiter {
  /** Count one hit on `key`; says whether it is within `limit` per `windowMs`. */
  hit(key: string, limit: number, windowMs: number): Promise<RateDecision>;
  /** Hold `key` for `ms` from now (a risk rule's throttle); holding it again restarts the time. */
  hold(key: string, ms: number): Promise<void>;
  /** Milliseconds `key` is still held for; 0 when it is not. */
  heldFor(key: string): Promise<number>;
  close(): Promise<void>;
}

export interface RateDecision {
  allowed: boolean;
  /** Hits in this window so far, this one included. */
  count: number;
  /** Milliseconds until the window resets (for Retry-After). */
  resetInMs: number;
}

export interface MemoryRateLimiterOptions {
  /** Most windows held at once (default 100,000: a few MB). */
  maxKeys?: number;
}

interface Window {
  count: number;
  resetAt: number;
}

/**
 * Every hit costs O(1) whatever the number of keys (issue 7: a sweep of the whole map on each
 * new key past 100,000 made an address spray slow down every request). A window that has
 * ended is replaced when its key comes back; memory is bounded by `maxKeys`, and when full
 * the least recently hit key is evicted. The trade-off: an evicted key's count restarts, so
 * a spray of more than `maxKeys` new keys within one window lets an evicted key start over.
 * That can only make the limiter more lenient, never refuse a client wrongly, and the spray
 * itself gets no more than `limit` hits per key. Use Redis for limits that must hold under
 * such a spray.
 */
export class MemoryRateLimiter implements RateLimiter {
  readonly maxKeys: number;
  // No ttl in the cache: each window keeps its own resetAt (a fixed window, not a sliding
  // one), and a stale entry costs a slot until evicted either way. lru-cache's ttlAutopurge
  // would set one timer per key, which is what a spray must not cost.
  readonly #windows: LRUCache<string, Window>;
  /** Held keys and when each is let go; bounded like the windows (an evicted hold lets go early). */
  readonly #holds: LRUCache<string, number>;

  constructor(
    private readonly now: () => number,
    options: MemoryRateLimiterOptions = {},
  ) {
    this.maxKeys = options.maxKeys ?? 100_000;
    this.#windows = new LRUCache({ max: this.maxKeys });
    this.#holds = new LRUCache({ max: this.maxKeys });
  }

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const now = this.now();
    let window = this.#windows.get(key); // also marks the key most recently used
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, window); // evicts the least recently used key when full
    }
    window.count += 1;
    return { allowed: window.count <= limit, count: window.count, resetInMs: window.resetAt - now };
  }

  async hold(key: string, ms: number): Promise<void> {
    this.#holds.set(key, this.now() + ms);
  }

  async heldFor(key: string): Promise<number> {
    const until = this.#holds.get(key);
    return until === undefined ? 0 : Math.max(0, until - this.now());
  }

  /** How many windows are held (at most `maxKeys`). */
  get size(): number {
    return this.#windows.size;
  }

  async close(): Promise<void> {
    this.#windows.clear();
    this.#holds.clear();
  }
}
