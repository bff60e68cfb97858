import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/**
 * The round-robin ops/s harness of reference/perf-baselines.md ("How the harness works"):
 * every case runs in a time box once per round, cases interleaved within each round, so
 * a slow patch of this shared, drifting machine hits every case alike. Within a round
 * the order alternates (forward, then backward), so no case always follows the same
 * neighbour or always runs first.
 */

export interface TimedCase {
  id: string;
  /**
   * `sync`: called back to back on the main thread. `async`: awaited, by `inFlight`
   * concurrent callers (default 1), so thread-pool work can overlap.
   */
  mode: "sync" | "async";
  inFlight?: number;
  run: () => unknown;
}

export interface Sample {
  opsPerSecond: number;
  /** Process CPU time (all threads, user + system) per operation, in microseconds. */
  cpuMicrosPerOp: number;
  /**
   * Cores kept busy by OTHER processes during the time box (Linux /proc/stat minus our own
   * CPU time; null elsewhere): this machine is shared, and this says how much it was.
   */
  otherCores: number | null;
}

export interface HarnessOptions {
  rounds: number;
  secondsPerRound: number;
  warmupSeconds: number;
  /** Runs before each round, outside every time box (e.g. re-signing timestamped answers). */
  beforeRound?: (round: number) => void | Promise<void>;
  onProgress?: (message: string) => void;
}

/** Keeps results reachable, so no call can be optimised away as dead code. */
let sink: unknown;

export function lastResult(): unknown {
  return sink;
}

export async function timeBox(timed: TimedCase, seconds: number): Promise<Sample> {
  const machineBefore = machineBusyMs();
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  const end = start + seconds * 1000;
  let count = 0;
  if (timed.mode === "sync") {
    do {
      sink = timed.run();
      count += 1;
    } while (performance.now() < end);
  } else {
    const lane = async (): Promise<void> => {
      while (performance.now() < end) {
        sink = await timed.run();
        count += 1;
      }
    };
    await Promise.all(Array.from({ length: timed.inFlight ?? 1 }, lane));
  }
  const elapsedSeconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const machineAfter = machineBusyMs();
  const ownMs = (cpu.user + cpu.system) / 1000;
  const otherCores =
    machineBefore === null || machineAfter === null
      ? null
      : Math.max(0, (machineAfter - machineBefore - ownMs) / (elapsedSeconds * 1000));
  return {
    opsPerSecond: count / elapsedSeconds,
    cpuMicrosPerOp: (cpu.user + cpu.system) / count,
    otherCores,
  };
}

/** Milliseconds of CPU time all processes have used (Linux: the `cpu` line of /proc/stat). */
function machineBusyMs(): number | null {
  try {
    const fields = readFileSync("/proc/stat", "utf8")
      .split("\n", 1)[0]!
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    const [user, nice, system, , , irq, softirq, steal] = fields;
    // USER_HZ is 100 on Linux: one tick is 10 ms. Idle and iowait are not busy.
    return ((user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0) + (steal ?? 0)) * 10;
  } catch {
    return null;
  }
}

/** Returns every case's samples, one per round, in round order. */
export async function measureRoundRobin(
  cases: readonly TimedCase[],
  options: HarnessOptions,
): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>(cases.map((timed) => [timed.id, []]));
  await options.beforeRound?.(-1);
  for (const timed of cases) await timeBox(timed, options.warmupSeconds);
  for (let round = 0; round < options.rounds; round++) {
    await options.beforeRound?.(round);
    const order = round % 2 === 0 ? cases : [...cases].reverse();
    const started = performance.now();
    for (const timed of order) samples.get(timed.id)!.push(await timeBox(timed, options.secondsPerRound));
    const took = ((performance.now() - started) / 1000).toFixed(1);
    options.onProgress?.(`round ${round + 1}/${options.rounds} done in ${took} s`);
  }
  return samples;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
