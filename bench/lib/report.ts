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
    const plainNote = row.vsPlain.baselineId.endsWith("-x8") ? " (vs plain x8)" : "";
    lines.push(
      `| ${row.operation} | ${row.role === "kassa" ? `**${row.implementation}**` : row.implementation} | ` +
        `${fmt(mid)} [${fmt(min)}–${fmt(max)}] | ${fmtRatio(row.vsPlain)}${plainNote} | ` +
        `${row.vsBestPeer ? fmtRatio(row.vsBestPeer) : "—"} | ${row.cpuMicrosPerOp.toFixed(0)} |`,
    );
  }
  return lines.join("\n");
}

/** The issue's goal: every Kassa operation >= 0.9x plain node:crypto and faster than both peers. */
export function goalLines(rows: readonly ResultRow[]): string[] {
  return rows
    .filter((row) => row.role === "kassa")
    .map((row) => {
      const plainOk = row.vsPlain.median >= 0.9;
      const peerOk = row.vsBestPeer === undefined || row.vsBestPeer.median > 1;
      const verdict = plainOk && peerOk ? "MEETS" : "MISSES";
      return (
        `- ${verdict} ${row.operation}: ${row.vsPlain.median.toFixed(2)}x plain` +
        ` (rounds ${row.vsPlain.perRoundMin.toFixed(2)}–${row.vsPlain.perRoundMax.toFixed(2)})` +
        `${plainOk ? "" : " < 0.9"}, ${row.vsBestPeer ? `${row.vsBestPeer.median.toFixed(2)}x best peer (${row.bestPeerId})` : "no peer"}` +
        `${peerOk ? "" : " <= 1"}`
      );
    });
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
