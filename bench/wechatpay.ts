import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { decryptCases } from "./cases/decrypt-cases.ts";
import { paySignCases } from "./cases/pay-sign-cases.ts";
import { prepayCases } from "./cases/prepay-cases.ts";
import { signCases } from "./cases/sign-cases.ts";
import { verifyCases } from "./cases/verify-cases.ts";
import { BenchCheckError } from "./lib/by-hand.ts";
import { type BenchCase, makeContext } from "./lib/context.ts";
import { measureRoundRobin } from "./lib/measure.ts";
import { prepayRequest } from "./lib/messages.ts";
import { buildRows, goalLines, markdownTable, otherLoadLine } from "./lib/report.ts";

/**
 * `npm run bench:wechatpay` (ROUNDS=5 SECONDS=0.6 by default): @kassa/wechatpay against
 * plain node:crypto and the two Node SDKs, interleaved round by round in one process.
 * Every path is checked for correctness first; a wrong answer stops the run.
 */

const rounds = envNumber("ROUNDS", 5, (n) => Number.isInteger(n) && n >= 1);
const secondsPerRound = envNumber("SECONDS", 0.6, (n) => n > 0);
const warmupSeconds = envNumber("WARMUP", 0.3, (n) => n >= 0);
/** For investigating one operation: only the cases whose id matches, plus their baselines. */
const only = process.env.ONLY ? new RegExp(process.env.ONLY) : undefined;

async function main(): Promise<void> {
  const loadBefore = loadavg();
  const context = await makeContext();
  try {
    const cases = selected([
      ...signCases(context),
      ...verifyCases(context),
      ...decryptCases(context),
      ...paySignCases(context),
      ...prepayCases(context),
    ]);
    assertWellFormed(cases);
    for (const benchCase of cases) await checkCase(benchCase);
    const sizes = {
      prepayBodyBytes: Buffer.byteLength(
        JSON.stringify({ ...prepayRequest(), appid: context.world.appid, mchid: context.world.mchid }),
      ),
      responseBodyBytes: context.fixtures.response.bodyBytes.length,
      notificationBodyBytes: context.fixtures.notification.bodyBytes.length,
    };
    const header = [
      `# @kassa/wechatpay benchmark, ${new Date().toISOString()}`,
      "",
      `Node ${process.version} (OpenSSL ${process.versions.openssl}), ${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
      `ROUNDS=${rounds} SECONDS=${secondsPerRound} WARMUP=${warmupSeconds}${only ? ` ONLY=${only.source}` : ""}; ` +
        `${cases.length} cases interleaved per round`,
      `load average before: ${loadBefore.map((n) => n.toFixed(2)).join(" ")}`,
      `bodies: prepay ${sizes.prepayBodyBytes} B, answer ${sizes.responseBodyBytes} B, notification ${sizes.notificationBodyBytes} B`,
      `all ${cases.length} paths checked (signatures verify, out_trade_no decrypts, tampering refused)`,
    ];
    console.log(header.join("\n"));
    const samples = await measureRoundRobin(cases, {
      rounds,
      secondsPerRound,
      warmupSeconds,
      beforeRound: () => context.fixtures.refresh(Date.now()),
      onProgress: (message) => console.error(message),
    });
    const loadAfter = loadavg();
    const rows = buildRows(cases, samples);
    const goals = goalLines(rows);
    console.log(`load average after: ${loadAfter.map((n) => n.toFixed(2)).join(" ")}`);
    console.log(`${otherLoadLine(rows)}\n`);
    console.log(markdownTable(rows));
    console.log(
      `\nGoal (>= 0.9x plain node:crypto in the same form, and in every other form listed; faster than the best peer):\n${goals.join("\n")}`,
    );
    if (context.findings.length > 0)
      console.log(`\nFindings of the checks:\n- ${context.findings.join("\n- ")}`);
    const file = writeResults({
      date: new Date().toISOString(),
      command: `ROUNDS=${rounds} SECONDS=${secondsPerRound} WARMUP=${warmupSeconds}${only ? ` ONLY='${only.source}'` : ""} npm run bench:wechatpay`,
      node: process.version,
      openssl: process.versions.openssl,
      cpu: { count: cpus().length, model: cpus()[0]?.model },
      loadAverage: { before: loadBefore, after: loadAfter },
      otherLoad: otherLoadLine(rows),
      sizes,
      rows,
      goals,
      findings: context.findings,
    });
    console.log(`\nJSON: ${file}`);
  } finally {
    context.world.dispose();
  }
}

function selected(cases: BenchCase[]): BenchCase[] {
  if (!only) return cases;
  const wanted = cases.filter((c) => only.test(c.id));
  // Keep what the ratios need: each one's baseline and the peers of its operation.
  const baselines = new Set(wanted.flatMap((c) => [c.baselineId, ...(c.alsoAgainst ?? [])]));
  const operations = new Set(wanted.map((c) => c.operation));
  return cases.filter(
    (c) => wanted.includes(c) || baselines.has(c.id) || (operations.has(c.operation) && c.role === "peer"),
  );
}

async function checkCase(benchCase: BenchCase): Promise<void> {
  await benchCase.check();
  const result = benchCase.run();
  if (benchCase.mode === "sync" && result instanceof Promise) {
    throw new BenchCheckError(`${benchCase.id}: marked sync but returns a promise; it would time nothing`);
  }
  await result;
}

function assertWellFormed(cases: readonly BenchCase[]): void {
  const ids = new Set(cases.map((c) => c.id));
  if (ids.size !== cases.length) throw new BenchCheckError("two cases share an id");
  for (const c of cases) {
    for (const baseline of [c.baselineId, ...(c.alsoAgainst ?? [])]) {
      if (!ids.has(baseline)) throw new BenchCheckError(`${c.id}: baseline ${baseline} is not a case`);
    }
  }
}

function writeResults(results: unknown): string {
  const folder = fileURLToPath(new URL("./results/", import.meta.url));
  mkdirSync(folder, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = `${folder}wechatpay-${stamp}.json`;
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  return file;
}

function envNumber(name: string, fallback: number, valid: (value: number) => boolean): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!valid(value)) throw new Error(`${name}=${raw} is not valid (default ${fallback})`);
  return value;
}

main().catch((error: unknown) => {
  console.error(error instanceof BenchCheckError ? `CHECK FAILED: ${error.message}` : error);
  process.exitCode = 1;
});
