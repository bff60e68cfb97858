/**
 * Concurrent callers asking for the same thing share one run of it (Go's singleflight): the
 * first caller starts `work`, the others wait for its result. Nothing is cached after it
 * settles, so the next caller runs it afresh. Per process; across instances the per-order
 * query budget (confirm-order.ts) bounds what several processes can spend.
 */
export class SingleFlight {
  readonly #inFlight = new Map<string, Promise<unknown>>();

  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.#inFlight.get(key);
    if (running) return running as Promise<T>;
    const started = work().finally(() => this.#inFlight.delete(key));
    this.#inFlight.set(key, started);
    return started;
  }
}
