import { ConfigError } from "./config.ts";
import { startKassa } from "./main.ts";

/** `npm start`: Kassa in the foreground, with the URLs a newcomer needs. */
async function main(): Promise<void> {
  const running = await startKassa({ env: process.env, cwd: process.cwd() });
  const lines = [
    "",
    `Kassa is running (${running.config.mode} mode, database ${running.config.databaseUrl.startsWith("postgres") ? "PostgreSQL" : running.config.databaseUrl})`,
    `  API:        ${running.url}/v1`,
    `  API docs:   ${running.url}/docs`,
    `  Demo page:  ${running.url}/demo`,
  ];
  if (running.sandbox) {
    lines.push(`  Simulator:  ${running.sandbox.url} (cashier and admin at ${running.sandbox.url}/admin)`);
  }
  lines.push("Stop with Ctrl+C.", "");
  process.stdout.write(`${lines.join("\n")}\n`);
  const stop = async () => {
    await running.close();
    process.exit(0);
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : String(error instanceof Error ? error.stack : error)}\n`,
  );
  process.exit(1);
});
