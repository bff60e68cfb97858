import type { AppDeps } from "../app/deps.ts";
import { SEAL_BATCH, sealLedger } from "../db/ledger-seal.ts";

/**
 * Seals the ledger's waiting entries in the background (db/ledger-seal.ts), one loop per
 * instance: each posting leaves its entry in `ledger_unsealed`, and this gives it its place
 * in the chain moments later. It looks again at once while there was a full batch, and every
 * `pollMs` otherwise; a look at an empty queue is one read of an index. Several instances'
 * sealers take turns on each app's head row.
 */
export class LedgerSealer {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = true;

  constructor(
    private readonly deps: Pick<AppDeps, "db" | "clock" | "log">,
    private readonly options: { pollMs: number },
  ) {}

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stop looking; waits for a seal in progress, so none is cut off by the database closing. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Seal everything waiting now; tests and the CLI call it directly. */
  sealNow(): Promise<number> {
    return sealLedger(this.deps.db, { now: this.deps.clock.now() });
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      let next = this.options.pollMs;
      this.#running = this.sealNow()
        .then((sealed) => {
          if (sealed >= SEAL_BATCH) next = 0;
        })
        .catch((error: unknown) => this.deps.log.error({ err: error }, "ledger seal failed; trying again"))
        .finally(() => this.#schedule(next));
    }, delayMs);
  }
}
