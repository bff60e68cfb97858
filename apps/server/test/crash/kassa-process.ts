import { join } from "node:path";
import type { RunningSandbox } from "@kassa/sandbox";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { loadConfig } from "../../src/config.ts";
import { connectDatabase } from "../../src/db/connect.ts";
import { runKassa } from "../../src/main.ts";

/**
 * Kassa as its own process for the crash test (crash-points.test.ts): demo mode, so the same
 * composition as `npm start` (main.ts runKassa), but paying through a simulator that runs in
 * another process (the test's), which outlives this one's SIGKILL and keeps the channel's
 * truth. Kassa reads the demo merchant's files where that simulator wrote them, and follows
 * its virtual clock by asking GET /admin/clock every 20 ms (a clock cannot make a request for
 * each now()).
 *
 * Environment: CRASH_SIMULATOR_URL, CRASH_SIMULATOR_DIR (the simulator's data directory),
 * CRASH_DATABASE_URL and CRASH_DATABASE_SCHEMA (PostgreSQL: the test database's schema),
 * plus Kassa's own (PORT, KASSA_DATA_DIR, KASSA_CRASH_AT...). Prints the start banner's API line, "API: <url>/v1" (kassa-child-process.ts waits for it).
 */
const env = process.env;
const simulatorUrl = required("CRASH_SIMULATOR_URL");

interface ClockAnswer {
  now: number;
  speed: number;
}
async function readClock(): Promise<ClockAnswer> {
  const answer = await fetch(`${simulatorUrl}/admin/clock`);
  if (!answer.ok) throw new Error(`the simulator's clock answered ${answer.status}`);
  return (await answer.json()) as ClockAnswer;
}
let anchor = { ...(await readClock()), real: Date.now() };
let last = 0;
const now = () => {
  // Never backwards, even when a fresh reading is behind the extrapolation.
  last = Math.max(last, Math.floor(anchor.now + (Date.now() - anchor.real) * anchor.speed));
  return last;
};
setInterval(() => {
  readClock().then(
    (reading) => {
      anchor = { ...reading, real: Date.now() };
    },
    () => undefined,
  );
}, 20).unref();

const sandbox = {
  url: simulatorUrl,
  dataDir: required("CRASH_SIMULATOR_DIR"),
  clock: { now },
  admin: {
    getMerchant: () => ({
      files: { dir: join(required("CRASH_SIMULATOR_DIR"), "merchants", DEMO_MERCHANT.mchid) },
    }),
  },
  close: async () => undefined,
} as unknown as RunningSandbox;

const config = loadConfig({ ...env, KASSA_MODE: "demo" }, process.cwd());
const schema = env.CRASH_DATABASE_SCHEMA;
const database = connectDatabase({ url: required("CRASH_DATABASE_URL"), ...(schema ? { schema } : {}) });
const running = await runKassa({
  config,
  database,
  sandbox,
  workerPollMs: 20,
  logDestination: process.stderr,
});
process.stdout.write(`API: ${running.url}/v1\n`);
process.on("SIGTERM", () => {
  running.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

function required(name: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}
