import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { cryptoCeiling } from "./e2e/crypto-ceiling.ts";
import { startKassaInProcess } from "./e2e/kassa-in-process.ts";
import { loginPayers, percentile, runPaidOrderLoop, STEPS } from "./e2e/paid-order-loop.ts";
import { startSandboxProcess } from "./e2e/sandbox-process.ts";

/**
 * Paid orders per second end to end on PostgreSQL (issue: create, pay, the simulator pays in
 * a separate process, notification, PAID), p50/p99 of each step, and the crypto-only ceiling
 * for the same work measured in the same run, before and after (the machine drifts).
 *
 *   npm run bench:e2e                      # SECONDS=20 IN_FLIGHT=16
 *   DATABASE_URL=postgres://... SECONDS=30 IN_FLIGHT=32 npm run bench:e2e
 */
const seconds = Number(process.env.SECONDS ?? 20);
const inFlight = Number(process.env.IN_FLIGHT ?? 16);
const databaseUrl = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const merchant = { mchid: "1900000777", appid: "wxbe0c4b3a2f1e0d99" };

const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(" ");
process.stderr.write(`load average before: ${load()}\n`);

const ceilingBefore = await cryptoCeiling(inFlight, 5);
const dataDir = await mkdtemp(join(tmpdir(), "kassa-bench-sandbox-"));
const sandbox = await startSandboxProcess(dataDir, merchant);
const kassa = await startKassaInProcess({
  databaseUrl,
  sandboxUrl: sandbox.url,
  sandboxDataDir: dataDir,
  mchid: merchant.mchid,
});
try {
  const tokens = await loginPayers(kassa, sandbox.url, merchant.appid, inFlight);
  await runPaidOrderLoop(kassa, sandbox.url, tokens, 2); // warm-up: JIT, pools, first prepays
  const result = await runPaidOrderLoop(kassa, sandbox.url, tokens, seconds);
  const ceilingAfter = await cryptoCeiling(inFlight, 5);
  const ceiling = (ceilingBefore + ceilingAfter) / 2;
  const rate = result.paidOrders / result.seconds;

  const lines = [
    `## End to end on PostgreSQL: ${inFlight} payers in flight for ${result.seconds.toFixed(1)} s (load ${load()})`,
    "",
    `Paid orders: ${result.paidOrders}, **${rate.toFixed(1)} paid orders/s**`,
    `Crypto-only ceiling for the same work, same run: ${ceilingBefore.toFixed(0)} before, ${ceilingAfter.toFixed(0)} after (orders/s)`,
    `Ratio end to end / crypto ceiling: **${(rate / ceiling).toFixed(3)}**`,
    "",
    "| step | p50 ms | p99 ms |",
    "|---|---:|---:|",
    ...STEPS.map(
      (step) =>
        `| ${step} | ${percentile(result.latenciesMs[step], 50).toFixed(1)} | ${percentile(result.latenciesMs[step], 99).toFixed(1)} |`,
    ),
    "",
    "Note: the simulator runs in its own process on the same two cores, doing its own crypto (verifying",
    "requests and paySign, signing answers, encrypting and signing notifications), with relaxed durability",
    "(no fsync of its own); Kassa's PostgreSQL commits are durable (synchronous_commit as configured).",
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await kassa.stop();
  await sandbox.stop();
  await rm(dataDir, { recursive: true, force: true });
}
