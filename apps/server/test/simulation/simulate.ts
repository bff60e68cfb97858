import { parseArgs } from "node:util";
import { runSimulation } from "./run-simulation.ts";

/**
 * `npm run simulate -- --seed S --orders N [--instances K] [--concurrency C] [--restarts R]
 * [--speed X] [--json]`: the seeded whole-system simulation (run-simulation.ts). SQLite by
 * default; PostgreSQL when DATABASE_URL is set (several instances need it). Exits 0 when every
 * invariant held, 1 with the violations and the command that replays the seed, 2 on bad flags.
 */
const usage =
  "usage: npm run simulate -- --seed S --orders N [--instances K] [--concurrency C] [--restarts R] [--speed X] [--json]";
let flags: ReturnType<typeof parse>;
try {
  flags = parse();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n${usage}\n`);
  process.exit(2);
}

function parse() {
  const { values } = parseArgs({
    options: {
      seed: { type: "string" },
      orders: { type: "string", default: "200" },
      instances: { type: "string", default: "1" },
      concurrency: { type: "string", default: "8" },
      restarts: { type: "string" },
      speed: { type: "string", default: "60" },
      json: { type: "boolean", default: false },
    },
  });
  const whole = (name: string, raw: string | undefined, min: number) => {
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min)
      throw new Error(`--${name} must be a whole number >= ${min}`);
    return value;
  };
  const orders = whole("orders", values.orders, 1);
  const instances = whole("instances", values.instances, 1);
  if (instances > 1 && !process.env.DATABASE_URL?.startsWith("postgres"))
    throw new Error("--instances above 1 needs PostgreSQL: set DATABASE_URL=postgres://...");
  return {
    seed: values.seed ?? String(Date.now()),
    orders,
    instances,
    concurrency: whole("concurrency", values.concurrency, 1),
    // About one SIGKILL per 250 payers unless told.
    restarts: values.restarts === undefined ? Math.ceil(orders / 250) : whole("restarts", values.restarts, 0),
    speed: whole("speed", values.speed, 1),
    json: values.json === true,
  };
}

const replay = `npm run simulate -- --seed ${flags.seed} --orders ${flags.orders} --instances ${flags.instances} --concurrency ${flags.concurrency} --restarts ${flags.restarts} --speed ${flags.speed}`;
process.stderr.write(`simulating: ${replay}\n`);
const report = await runSimulation({ ...flags, log: (line) => process.stderr.write(`  ${line}\n`) });
if (flags.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
else {
  const minutes = report.wallSeconds / 60;
  process.stdout.write(
    [
      `seed ${report.seed} on ${report.database}, ${report.instances} instance(s): ${report.orders} payers`,
      `  outcomes: ${JSON.stringify(report.outcomes)}`,
      `  refunds: ${report.refundsMade} made, ${report.refundsRefused} refused`,
      `  faults injected: ${report.faultsInjected} ${JSON.stringify(report.faultsByKind)}`,
      `  notifications answered: ${report.notificationAttempts}, of which duplicates: ${report.duplicateNotifications}`,
      `  webhook requests received: ${report.webhookEvents}`,
      `  ${report.virtualHours.toFixed(1)} virtual hours in ${minutes.toFixed(1)} wall minutes (${(report.virtualHours / minutes).toFixed(1)} per minute)`,
      report.violations.length === 0
        ? "  every invariant held"
        : `  ${report.violations.length} VIOLATIONS:\n${report.violations.map((v) => `    ${v}`).join("\n")}`,
      "",
    ].join("\n"),
  );
}
if (report.violations.length > 0) {
  process.stderr.write(`replay: ${replay}\n`);
  process.exit(1);
}
