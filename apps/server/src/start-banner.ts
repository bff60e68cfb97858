import type { KassaConfig } from "./config.ts";

export interface BannerInput {
  config: Pick<KassaConfig, "mode" | "databaseUrl">;
  /** Where Kassa listens. */
  url: string;
  /** Demo mode: the simulator Kassa pays through. */
  simulatorUrl: string | undefined;
  /** Demo mode: the operator of the admin API. */
  demoOperator?: { login: string; password: string } | undefined;
}

/** Where the database is, as the banner says it: never a PostgreSQL URL, which may hold a password. */
const databaseName = (url: string) => (/^postgres(ql)?:\/\//.test(url) ? "PostgreSQL" : url);

/**
 * What `npm start` prints while it starts, one line per step (main.ts `progress`): a first
 * start migrates, makes the simulator's keys and certificates and seeds the demo, which took
 * about 12 s of silence on this machine's two cores (issue 13). The console's build, when
 * stale, prints its own lines before (apps/console/scripts/build-if-stale.mjs).
 */
export const startProgress = {
  migrating: (databaseUrl: string) => `Migrating the database (${databaseName(databaseUrl)})...`,
  migrated: (applied: number) =>
    applied === 0 ? "Database up to date." : `Database ready: ${applied} migrations applied.`,
  simulator:
    "Starting the WeChat Pay and Alipay simulator (a first start makes its keys and certificates)...",
  seeding: "Seeding the demo catalog, top-up tiers, booking slots and tip recipients...",
  listening: (host: string, port: number) => `Starting Kassa on ${host}:${port}...`,
  operator: "Preparing the demo operator for the console...",
} as const;

/**
 * What `npm start` prints once Kassa listens: the URLs a newcomer needs, and only those that
 * answer. The demo page and the simulator exist in demo mode only; in production /demo is a 404.
 */
export function startBanner(input: BannerInput): string[] {
  const { config, url } = input;
  const database = databaseName(config.databaseUrl);
  const lines = [
    "",
    `Kassa is running (${config.mode} mode, database ${database})`,
    `  API:        ${url}/v1`,
    `  API docs:   ${url}/docs`,
    `  Console:    ${url}/console`,
  ];
  if (config.mode === "demo") {
    lines.push(`  Demo page:  ${url}/demo`);
    if (input.demoOperator) {
      lines.push(
        `  Admin API:  ${url}/admin/v1 (operator ${input.demoOperator.login}, password ${input.demoOperator.password})`,
        `              log in to the console above with the same operator and password`,
      );
    }
    if (input.simulatorUrl) {
      lines.push(
        `  Simulator:  ${input.simulatorUrl} (cashier and admin at ${input.simulatorUrl}/admin)`,
        `              Alipay's gateway at ${input.simulatorUrl}/alipay/gateway.do (docs/alipay.md)`,
      );
    }
  }
  lines.push("Stop with Ctrl+C.", "");
  return lines;
}
