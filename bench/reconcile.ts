import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pipeline } from "node:stream/promises";
import { billLines, receiveBillFile, streamTradeBill } from "@kassa/wechatpay";
import { AppRegistry, type RegisteredApp } from "../apps/server/src/app/app-registry.ts";
import type { AppDeps } from "../apps/server/src/app/deps.ts";
import { reconcileDay } from "../apps/server/src/app/reconciliation/reconcile-day.ts";
import type { PaymentChannel } from "../apps/server/src/channels/payment-channel.ts";
import { statementOfFiles } from "../apps/server/src/channels/wechatpay-statement.ts";
import { connectDatabase } from "../apps/server/src/db/connect.ts";
import { migrateToLatest } from "../apps/server/src/db/migrate.ts";
import { findRun, listDifferences } from "../apps/server/src/db/reconciliation-runs-repo.ts";
import { randomIdSource } from "../apps/server/src/random-ids.ts";
import {
  APPID,
  DAY,
  MCHID,
  plantedAt,
  seedPayments,
  writeFundFlowBill,
  writeTradeBill,
} from "./lib/reconcile-fixture.ts";

/**
 * `npm run bench:reconcile`: reconciling a day whose trade bill has ROWS payments (default
 * 1,000,000), against a plain streaming parse of the same file, in the same run: peak RSS and
 * rows per second of each (issue 11: "bounded memory whatever the size").
 *
 * The parent writes the two bills (trade, and the fund flow's fees) and a SQLite database
 * holding the same payments as PAID, with differences planted every 10,000th payment; then
 * each phase runs in a child process of its own, so its peak RSS (getrusage maxrss) is its
 * own. `reconcile` is what the daily job does after the download: the file is received
 * through the client's hashing, temp-file path (receiveBillFile, from disk rather than over
 * HTTP), streamed, staged, matched in SQL, differences recorded, fees posted. It checks it
 * found exactly the planted differences.
 *
 *   npm run bench:reconcile                 # ROWS=1000000
 *   ROWS=100000 npm run bench:reconcile     # quicker
 */

const rows = Number(process.env.ROWS ?? 1_000_000);
const [, , phase, dir] = process.argv;

if (phase === "parse") await report(await parsePhase(dir!));
else if (phase === "reconcile") await report(await reconcilePhase(dir!));
else await main();

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "kassa-bench-reconcile-"));
  try {
    console.log(
      `load before: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")}; ${rows.toLocaleString("en")} rows`,
    );
    let started = performance.now();
    await writeTradeBill(join(dir, "trade.csv"), rows);
    await writeFundFlowBill(join(dir, "fund.csv"), rows);
    const database = connectDatabase({ url: join(dir, "kassa.sqlite") });
    await migrateToLatest(database);
    await seedPayments(database.db, rows);
    await database.close();
    // What the signed applications would say (§5.7 hash_value), hashed as a stream.
    const hashes: Record<string, string> = {};
    for (const file of ["trade.csv", "fund.csv"]) {
      const hash = createHash("sha1");
      await pipeline(createReadStream(join(dir, file)), hash);
      hashes[file] = hash.digest("hex");
    }
    writeFileSync(join(dir, "hashes.json"), JSON.stringify(hashes));
    const mb = (file: string) => (statSync(join(dir, file)).size / 2 ** 20).toFixed(0);
    console.log(
      `setup: trade bill ${mb("trade.csv")} MB, fund flow ${mb("fund.csv")} MB, database ${mb("kassa.sqlite")} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    const results = [];
    for (const name of ["parse", "reconcile"] as const) {
      started = performance.now();
      const out = execFileSync(process.execPath, ["--import", "tsx", import.meta.filename, name, dir], {
        env: { ...process.env, ROWS: String(rows) },
        maxBuffer: 1 << 20,
      });
      results.push(JSON.parse(out.toString().trim().split("\n").at(-1)!) as Result);
    }
    console.log("");
    console.log("| phase | rows | seconds | rows/s | peak RSS |");
    console.log("|---|---|---|---|---|");
    for (const r of results) {
      console.log(
        `| ${r.phase} | ${r.rows.toLocaleString("en")} | ${r.seconds.toFixed(1)} | ${Math.round(r.rows / r.seconds).toLocaleString("en")} | ${r.peakRssMb.toFixed(0)} MB |`,
      );
    }
    const [parse, reconcile] = results as [Result, Result];
    console.log(
      `\nreconcile / parse: ${(reconcile.seconds / parse.seconds).toFixed(1)}x the time; peak RSS ${reconcile.peakRssMb.toFixed(0)} MB (limit 256 MB: ${reconcile.peakRssMb < 256 ? "under" : "OVER"})`,
    );
    console.log(
      `${reconcile.detail}\nload after: ${loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")}`,
    );
    if (reconcile.peakRssMb >= 256) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Result {
  phase: string;
  rows: number;
  seconds: number;
  peakRssMb: number;
  detail: string;
}

async function report(result: Omit<Result, "peakRssMb">): Promise<void> {
  // getrusage's maxrss is in kilobytes on Linux: the whole life of this process.
  console.log(JSON.stringify({ ...result, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}

/** The baseline: the same file's lines through the same parser, counted, nothing else. */
async function parsePhase(dir: string): Promise<Omit<Result, "peakRssMb">> {
  const started = performance.now();
  let count = 0;
  for await (const event of streamTradeBill(billLines(createReadStream(join(dir, "trade.csv"))), {
    unreadableRows: "report",
  })) {
    if (event.kind !== "summary") count += 1;
  }
  return {
    phase: "plain streaming parse",
    rows: count,
    seconds: (performance.now() - started) / 1000,
    detail: "",
  };
}

async function reconcilePhase(dir: string): Promise<Omit<Result, "peakRssMb">> {
  const database = connectDatabase({ url: join(dir, "kassa.sqlite") });
  const clock = { now: () => Date.parse(`${DAY}T00:00:00+08:00`) + 36 * 3600_000 };
  const started = performance.now();
  const notInTheBench = () => Promise.reject(new Error("the bench day has nothing to query"));
  // Only statement() is reached: no payment of the day is pending, so nothing is queried.
  const channel = {
    name: "wechatpay",
    statement: () => statementFromDisk(dir),
    query: notInTheBench,
  } as unknown as PaymentChannel;
  const app: RegisteredApp = {
    id: "app_default",
    accounts: { wechatpay: { appId: APPID, merchantId: MCHID } },
    notifyUrl: () => "https://bench.invalid/notify",
    channels: { wechatpay: channel },
    logins: {},
  };
  const deps = {
    db: database.db,
    dialect: database.dialect,
    clock,
    ids: randomIdSource,
    apps: new AppRegistry([app], app.id),
    log: { info() {}, warn() {}, error() {} },
  } as unknown as AppDeps; // reconciliation uses db, clock, ids, apps and log only
  const outcome = await reconcileDay(deps, { appId: app.id, channel: "wechatpay", day: DAY });
  const seconds = (performance.now() - started) / 1000;
  if (outcome.kind !== "completed") throw new Error("the day was not reconciled");
  const run = await findRun(database.db, app.id, "wechatpay", DAY);
  const differences = await listDifferences(database.db, outcome.runId, { limit: 1_000_000 });
  const byClass: Record<string, number> = {};
  for (const d of differences) byClass[d.class] = (byClass[d.class] ?? 0) + 1;
  const expected: Record<string, number> = {};
  for (let index = 0; index < rows; index += 1) {
    const planted = plantedAt(index);
    if (planted) expected[planted] = (expected[planted] ?? 0) + 1;
  }
  await database.close();
  const found = JSON.stringify(Object.fromEntries(Object.entries(byClass).sort()));
  const wanted = JSON.stringify(Object.fromEntries(Object.entries(expected).sort()));
  if (found !== wanted) throw new Error(`found ${found}, planted ${wanted}`);
  return {
    phase: "reconcile (receive+hash, stream, stage, match, record, post fees)",
    rows: (run?.bill_payments ?? 0) + (run?.bill_unreadable ?? 0),
    seconds,
    detail: `differences found = planted: ${found}; bill ${run?.bill_payments} payments, Kassa ${run?.kassa_payments}, fees posted ${run?.fees_posted_fen} fen`,
  };
}

/** Both files through the client's receive path (copy to a private temp file, SHA-1 checked). */
async function statementFromDisk(dir: string) {
  const hashes = JSON.parse(await readFile(join(dir, "hashes.json"), "utf8")) as Record<string, string>;
  const receive = (file: string) =>
    receiveBillFile(
      createReadStream(join(dir, file)),
      {
        hash_type: "SHA1",
        hash_value: hashes[file]!,
        download_url: "https://api.mch.weixin.qq.com/v3/billdownload/file?token=bench",
      },
      false,
    );
  const trade = await receive("trade.csv");
  const fund = await receive("fund.csv");
  return statementOfFiles(trade, fund);
}
