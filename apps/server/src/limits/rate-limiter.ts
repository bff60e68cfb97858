/**
 * Fixed-window rate limits, per IP and per user (product.md "Security"). In memory by
 * default; in Redis when configured, so several instances share one count.
 */
export interface RateLimiter {
  /** Count one hit on `key`; says whether it is within `limit` per `windowMs`. */
  hit(key: string, limit: number, windowMs: number): Promise<RateDecision>;
  close(): Promise<void>;
}

export interface RateDecision {
  allowed: boolean;
  /** Milliseconds until the window resets (for Retry-After). */
  resetInMs: number;
}

export class MemoryRateLimiter implements RateLimiter {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  constructor(private readonly now: () => number) {}

  async hit(key: string, limit: number, windowMs: number): Promise<RateDecision> {
    const now = this.now();
    let window = this.#windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { count: 0, resetAt: now + windowMs };
      this.#windows.set(key, window);
      if (this.#windows.size > 100_000) this.#sweep(now);
    }
    window.count += 1;
    return { allowed: window.count <= limit, resetInMs: window.resetAt - now };
  }

  async close(): Promise<void> {
    this.#windows.clear();
  }

  #sweep(now: number): void {
    for (const [key, window] of this.#windows) if (window.resetAt <= now) this.#windows.delete(key);
  }
}
