import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { MemoryRateLimiter } from "../apps/server/src/limits/rate-limiter.ts";

/**
 * `npm run bench:rate-limiter`: what one hit with a key the in-memory limiter has not seen
 * costs (issue 7: an address spray), after it has seen 200,000 keys against after 1,000.
 * Each sample builds a fresh limiter, has it see N keys (untimed), collects garbage (the
 * script runs node with --expose-gc), then times NEW_KEYS hits with new keys, awaited one by
 * one as the HTTP hook does. The first two limiters are full at N, so each new key evicts
 * one and the count held stays N: their ratio is the cost of size alone. Cases are interleaved round by
 * round (forward, then backward), so a slow patch of the shared machine hits each alike;
 * the ratio is taken per round, then its median.
 *
 *   npm run bench:rate-limiter                    # ROUNDS=15 NEW_KEYS=20000 LARGE=200000
 *   ROUNDS=31 npm run bench:rate-limiter          # to tell a small gap from noise
 */

const rounds = envInteger("ROUNDS", 15);
const newKeys = envInteger("NEW_KEYS", 20_000);
const large = envInteger("LARGE", 200_000);
const small = 1_000;
const limit = 10;
const windowMs = 60_000;

interface Case {
  id: string;
  seen: number;
  make: () => MemoryRateLimiter;
}

const cases: Case[] = [
  {
    id: `${small.toLocaleString("en")} keys held (maxKeys ${small.toLocaleString("en")}: full, each new key evicts one)`,
    seen: small,
    make: () => limiter(small),
  },
  {
    id: `${large.toLocaleString("en")} keys held (maxKeys ${large.toLocaleString("en")}: full, each new key evicts one)`,
    seen: large,
    make: () => limiter(large),
  },
  {
    id: `default limiter after ${large.toLocaleString("en")} keys (full at its maxKeys)`,
    seen: large,
    make: () => limiter(),
  },
];

function limiter(maxKeys?: number): MemoryRateLimiter {
  return new MemoryRateLimiter(() => Date.now(), maxKeys === undefined ? {} : { maxKeys });
}

let sample = 0; // every key of every sample is new to its limiter
async function prepared(benchCase: Case): Promise<{ limiter: MemoryRateLimiter; keys: string[] }> {
  sample += 1;
  const limiter = benchCase.make();
  for (let i = 0; i < benchCase.seen; i += 1) await limiter.hit(`seen:${sample}:${i}`, limit, windowMs);
  const keys = Array.from({ length: newKeys }, (_, i) => `new:${sample}:${i}`);
  return { limiter, keys };
}

/** Nanoseconds per hit with a new key. */
async function measure(benchCase: Case): Promise<number> {
  const { limiter, keys } = await prepared(benchCase);
  collectGarbage(); // the untimed set-up's garbage is not the new keys' cost
  const start = performance.now();
  for (const key of keys) await limiter.hit(key, limit, windowMs);
  const elapsed = performance.now() - start;
  await limiter.close();
  return (elapsed * 1e6) / keys.length;
}

async function check(benchCase: Case): Promise<void> {
  const { limiter, keys } = await prepared(benchCase);
  const key = keys[0] ?? "k";
  for (let i = 0; i < limit; i += 1) {
    if (!(await limiter.hit(key, limit, windowMs)).allowed)
      fail(benchCase, `hit ${i + 1} of ${limit} refused`);
  }
  if ((await limiter.hit(key, limit, windowMs)).allowed) fail(benchCase, `hit ${limit + 1} allowed`);
  const expected = Math.min(benchCase.seen + 1, limiter.maxKeys);
  if (limiter.size !== expected) fail(benchCase, `holds ${limiter.size} windows, not ${expected}`);
  await limiter.close();
}

const collectGarbage = (globalThis as { gc?: () => void }).gc ?? (() => undefined);

function fail(benchCase: Case, message: string): never {
  process.stderr.write(`CHECK FAILED: ${benchCase.id}: ${message}\n`);
  process.exit(1);
}

function envInteger(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");

process.stderr.write(`load average before: ${load()}\n`);
for (const benchCase of cases) await check(benchCase);
for (const benchCase of cases) await measure(benchCase); // warm-up: JIT
const samples = new Map<string, number[]>(cases.map((benchCase) => [benchCase.id, []]));
for (let round = 0; round < rounds; round += 1) {
  const order = round % 2 === 0 ? cases : [...cases].reverse();
  for (const benchCase of order) samples.get(benchCase.id)?.push(await measure(benchCase));
  process.stderr.write(`round ${round + 1}/${rounds}\n`);
}

const baseline = samples.get(cases[0]?.id ?? "") ?? [];
const lines = [
  `## MemoryRateLimiter: cost of a hit with a new key (${rounds} rounds × ${newKeys.toLocaleString("en")} new keys, load ${load()})`,
  "",
  `| case | median ns/new key [min–max] | ratio vs ${small.toLocaleString("en")} keys (per-round spread) |`,
  "|---|---:|---:|",
  ...cases.map((benchCase) => {
    const values = samples.get(benchCase.id) ?? [];
    const ratios = values.map((value, round) => value / (baseline[round] as number));
    return `| ${benchCase.id} | ${median(values).toFixed(0)} [${Math.min(...values).toFixed(0)}–${Math.max(...values).toFixed(0)}] | ${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)}) |`;
  }),
];
process.stdout.write(`${lines.join("\n")}\n`);
