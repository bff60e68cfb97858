import { ConfigError } from "./config.ts";
import { startKassa } from "./main.ts";
import { startBanner } from "./start-banner.ts";

/** `npm start`: Kassa in the foreground, with the URLs a newcomer needs. */
async function main(): Promise<void> {
  const running = await startKassa({ env: process.env, cwd: process.cwd() });
  const banner = startBanner({
    config: running.config,
    url: running.url,
    simulatorUrl: running.sandbox?.url,
  });
  process.stdout.write(`${banner.join("\n")}\n`);
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
