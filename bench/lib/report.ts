import type { BenchCase } from "./context.ts";
import { median, type Sample } from "./measure.ts";

/**
 * Turns samples into the table of the task: median ops/s [min–max], the ratio to the
 * plain node:crypto row of the same operation and to the best peer (README usage), both
 * measured in this run. Ratios are medians of medians; the range in parentheses is the
 * spread of the per-round ratios (each round pairs two cases measured seconds apart),
 * which shows whether a small gap is larger than the noise.
 */

export interface ResultRow {
  id: string;
  operation: string;
  implementation: string;
  role: BenchCase["role"];
  mode: string;
  opsPerSecond: { median: number; min: number; max: number; samples: number[] };
  cpuMicrosPerOp: number;
  /** Per round: cores other processes kept busy during this row's time box (null off Linux). */
  otherCores: (number | null)[];
  vsPlain: Ratio;
  /** Kassa rows: the further plain rows it is held to (`BenchCase.alsoAgainst`). */
  alsoVs: Ratio[];
  bestPeerId: string | undefined;
  vsBestPeer: Ratio | undefined;
}

export interface Ratio {
  baselineId: string;
  median: number;
  perRoundMin: number;
  perRoundMax: number;
}

export function buildRows(cases: readonly BenchCase[], samples: Map<string, Sample[]>): ResultRow[] {
  const ops = (id: string) => samples.get(id)!.map((sample) => sample.opsPerSecond);
  const ratio = (id: string, baselineId: string): Ratio => {
    const mine = ops(id);
    const theirs = ops(baselineId);
    const perRound = mine.map((value, round) => value / theirs[round]!);
    return {
      baselineId,
      median: median(mine) / median(theirs),
      perRoundMin: Math.min(...perRound),
      perRoundMax: Math.max(...perRound),
    };
  };
  const bestPeer = new Map<string, string>();
  for (const peer of cases.filter((c) => c.role === "peer")) {
    const current = bestPeer.get(peer.operation);
    if (!current || median(ops(peer.id)) > median(ops(current))) bestPeer.set(peer.operation, peer.id);
  }
  return cases.map((c) => {
    const values = ops(c.id);
    const bestPeerId = bestPeer.get(c.operation);
    return {
      id: c.id,
      operation: c.operation,
      implementation: c.implementation,
      role: c.role,
      mode: c.mode === "sync" ? "sync" : `async x${c.inFlight ?? 1}`,
      opsPerSecond: {
        median: median(values),
        min: Math.min(...values),
        max: Math.max(...values),
        samples: values,
      },
      cpuMicrosPerOp: median(samples.get(c.id)!.map((sample) => sample.cpuMicrosPerOp)),
      otherCores: samples.get(c.id)!.map((sample) => sample.otherCores),
      vsPlain: ratio(c.id, c.baselineId),
      alsoVs: (c.alsoAgainst ?? []).map((id) => ratio(c.id, id)),
      bestPeerId,
      vsBestPeer: bestPeerId ? ratio(c.id, bestPeerId) : undefined,
    };
  });
}

export function markdownTable(rows: readonly ResultRow[]): string {
  const lines = [
    "| operation | implementation | median ops/s [min–max] | ratio vs plain node:crypto | ratio vs best peer | CPU µs/op |",
    "|---|---|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    const { median: mid, min, max } = row.opsPerSecond;
    // Which plain row, when it is not the operation's first (synchronous) one.
    const mainPlain = rows.find((other) => other.operation === row.operation && other.role === "plain");
    const plainNote =
      row.vsPlain.baselineId === mainPlain?.id || row.vsPlain.baselineId === row.id
        ? ""
        : ` vs ${row.vsPlain.baselineId.split(".").pop()}`;
    lines.push(
      `| ${row.operation} | ${row.role === "kassa" ? `**${row.implementation}**` : row.implementation} | ` +
        `${fmt(mid)} [${fmt(min)}–${fmt(max)}] | ${fmtRatio(row.vsPlain)}${plainNote} | ` +
        `${row.vsBestPeer ? fmtRatio(row.vsBestPeer) : "—"} | ${row.cpuMicrosPerOp.toFixed(0)} |`,
    );
  }
  return lines.join("\n");
}

/**
 * The issue's goal: every Kassa operation >= 0.9x plain node:crypto and faster than both
 * peers. Each Kassa row is held to plain in its own form (sync, callback, 8 in flight) and
 * to every row in `alsoAgainst`; a row MEETS the goal only if it passes all of them, on
 * the median ratios. When a deciding ratio's per-round spread lies on both sides of its
 * threshold, the verdict says "within noise": another run may well decide otherwise.
 */
export function goalLines(rows: readonly ResultRow[]): string[] {
  return rows
    .filter((row) => row.role === "kassa")
    .map((row) => {
      const checks = [
        ...[row.vsPlain, ...row.alsoVs].map((ratio) => judge(ratio, 0.9, "atLeast")),
        ...(row.vsBestPeer ? [judge(row.vsBestPeer, 1, "above")] : []),
      ];
      const meets = checks.every((check) => check.ok);
      // Met: any check whose rounds straddle its threshold could flip it. Missed: only if
      // every failed check straddles (one clear failure is a clear miss).
      const failed = checks.filter((check) => !check.ok);
      const noisy = meets
        ? checks.some((check) => check.straddles)
        : failed.every((check) => check.straddles);
      const verdict = `${meets ? "MEETS" : "MISSES"}${noisy ? " (within noise)" : ""}`;
      const text = (check: Judged, label: string) =>
        `${check.ratio.median.toFixed(2)}x ${label} (rounds ${check.ratio.perRoundMin.toFixed(2)}–` +
        `${check.ratio.perRoundMax.toFixed(2)})${check.ok ? "" : check.threshold === 1 ? " <= 1" : " < 0.9"}`;
      const plainText = checks
        .filter((check) => check.threshold !== 1)
        .map((check) => text(check, check.ratio.baselineId))
        .join(", ");
      const peerCheck = checks.find((check) => check.threshold === 1);
      const peerText = peerCheck ? text(peerCheck, `best peer ${row.bestPeerId}`) : "no peer";
      return `- ${verdict} ${row.operation}, ${row.implementation}: ${plainText}; ${peerText}`;
    });
}

interface Judged {
  ratio: Ratio;
  threshold: number;
  ok: boolean;
  /** Some rounds pass the threshold and some fail it. */
  straddles: boolean;
}

function judge(ratio: Ratio, threshold: number, rule: "atLeast" | "above"): Judged {
  const passes = (value: number) => (rule === "atLeast" ? value >= threshold : value > threshold);
  return {
    ratio,
    threshold,
    ok: passes(ratio.median),
    straddles: passes(ratio.perRoundMin) !== passes(ratio.perRoundMax),
  };
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

function fmtRatio(ratio: Ratio): string {
  return `${ratio.median.toFixed(2)} (${ratio.perRoundMin.toFixed(2)}–${ratio.perRoundMax.toFixed(2)})`;
}

/** How busy the shared machine was with other work while the boxes ran. */
export function otherLoadLine(rows: readonly ResultRow[]): string {
  const values = rows.flatMap((row) => row.otherCores).filter((value): value is number => value !== null);
  if (values.length === 0) return "other processes: unknown (no /proc/stat)";
  const busy = values.filter((value) => value > 0.25).length;
  return (
    `other processes during the time boxes: median ${median(values).toFixed(2)} cores, ` +
    `max ${Math.max(...values).toFixed(2)}; ${busy} of ${values.length} boxes above 0.25 cores`
  );
}
