import type { Clock } from "../domain/clock.ts";

/** A line to write about refusals of one reason: the first one, or a summary of the ones since. */
export interface RefusalLine {
  reason: string;
  /** Refusals this line speaks for: 1 for the first, the count since the last line for a summary. */
  refused: number;
  /** Milliseconds since the last line of this reason (0 for the first). */
  sinceMs: number;
  summary: boolean;
}

/**
 * Counts refusals per reason so that a flood of them cannot flood the log (issue 7, item
 * 12: 700 forged notifications wrote 700 warnings). The first refusal of each reason is
 * logged at once; after it, at most one summary line per reason per interval, carrying the
 * count. No timer: a summary is written by the first refusal after the interval, so
 * refusals that stop coming are summed up when the next one arrives.
 */
export class RefusalCounter {
  readonly #byReason = new Map<string, { lastLineAt: number; unlogged: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs = 60_000,
    /** Reasons are a closed set of codes today; the cap keeps memory bounded if one ever is not. */
    private readonly maxReasons = 64,
  ) {}

  /** Count one refusal; returns the line to write now, or undefined to stay quiet. */
  count(reason: string): RefusalLine | undefined {
    const now = this.clock.now();
    const key = this.#byReason.has(reason) || this.#byReason.size < this.maxReasons ? reason : "other";
    const entry = this.#byReason.get(key);
    if (!entry) {
      this.#byReason.set(key, { lastLineAt: now, unlogged: 0 });
      return { reason: key, refused: 1, sinceMs: 0, summary: false };
    }
    entry.unlogged += 1;
    if (now - entry.lastLineAt < this.intervalMs) return undefined;
    const line = { reason: key, refused: entry.unlogged, sinceMs: now - entry.lastLineAt, summary: true };
    entry.lastLineAt = now;
    entry.unlogged = 0;
    return line;
  }
}
