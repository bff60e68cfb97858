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

/**
 * What `npm start` prints once Kassa listens: the URLs a newcomer needs, and only those that
 * answer. The demo page and the simulator exist in demo mode only; in production /demo is a 404.
 */
export function startBanner(input: BannerInput): string[] {
  const { config, url } = input;
  const database = /^postgres(ql)?:\/\//.test(config.databaseUrl) ? "PostgreSQL" : config.databaseUrl;
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
      lines.push(`  Simulator:  ${input.simulatorUrl} (cashier and admin at ${input.simulatorUrl}/admin)`);
    }
  }
  lines.push("Stop with Ctrl+C.", "");
  return lines;
}
