/**
 * The simulator's virtual clock (issue 3, "Virtual time"). Everything the simulator
 * stamps or checks uses it: prepay-id lifetimes, `time_expire`, the request-timestamp
 * window of §2, response signatures (§3.2), login codes (§7.2), and later notification
 * retries and refund settlement.
 *
 * now() = anchorVirtual + (realNow - anchorReal) × speed. Speed 1 follows real time (with
 * whatever offset `advance` added), 0 freezes time so a test only moves it on purpose, and
 * 60 runs a demo an hour per minute. The anchors are persisted, so time never runs
 * backwards across a restart.
 *
 * Clients under test must sign with this clock, not their own (`startSandbox().clock`):
 * after `advance(2 h)` a request stamped with the real time is 2 h old, and WeChat Pay
 * refuses that as it would (§2, 5-minute window).
 */

export interface ClockState {
  anchorVirtualMs: number;
  anchorRealMs: number;
  speed: number;
}

export type ClockListener = () => void;

export class VirtualClock {
  #state: ClockState;
  readonly #realNow: () => number;
  readonly #listeners = new Set<ClockListener>();

  constructor(state: ClockState, realNow: () => number = Date.now) {
    assertSpeed(state.speed);
    this.#state = { ...state };
    this.#realNow = realNow;
  }

  /** A new clock that starts at `startMs` (virtual) now. */
  static startingAt(startMs: number, speed: number, realNow: () => number = Date.now): VirtualClock {
    return new VirtualClock({ anchorVirtualMs: startMs, anchorRealMs: realNow(), speed }, realNow);
  }

  /** Virtual epoch milliseconds, whole. */
  now(): number {
    const { anchorVirtualMs, anchorRealMs, speed } = this.#state;
    return Math.floor(anchorVirtualMs + (this.#realNow() - anchorRealMs) * speed);
  }

  get speed(): number {
    return this.#state.speed;
  }

  /** Jump forward. Only the scheduler should call this, so that due jobs fire on the way. */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`the clock only moves forward; got ${ms} ms`);
    return this.moveTo(this.now() + ms);
  }

  /** Move to `virtualMs` if it is ahead; never backwards. Returns the new now(). */
  moveTo(virtualMs: number): number {
    const current = this.now();
    if (virtualMs > current) this.#reanchor(virtualMs, this.#state.speed);
    return this.now();
  }

  setSpeed(speed: number): void {
    assertSpeed(speed);
    this.#reanchor(this.now(), speed);
  }

  state(): ClockState {
    return { ...this.#state };
  }

  /** Called after every jump or speed change (the scheduler re-arms its timer). */
  onChange(listener: ClockListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #reanchor(virtualMs: number, speed: number): void {
    this.#state = { anchorVirtualMs: virtualMs, anchorRealMs: this.#realNow(), speed };
    for (const listener of this.#listeners) listener();
  }
}

function assertSpeed(speed: number): void {
  if (!Number.isFinite(speed) || speed < 0 || speed > 100_000) {
    throw new RangeError(`clock speed must be between 0 (frozen) and 100000; got ${speed}`);
  }
}
