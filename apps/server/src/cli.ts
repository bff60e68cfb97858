import { ConfigError } from "./config.ts";
import { DatabaseUnavailableError } from "./db/connection-problem.ts";
import { startKassa } from "./main.ts";
import { PortInUseError } from "./port-in-use.ts";
import { startBanner } from "./start-banner.ts";

/** `npm start`: Kassa in the foreground, with the URLs a newcomer needs. */
async function main(): Promise<void> {
  const running = await startKassa({
    env: process.env,
    cwd: process.cwd(),
    progress: (line) => process.stdout.write(`${line}\n`),
  });
  const banner = startBanner({
    config: running.config,
    url: running.url,
    simulatorUrl: running.sandbox?.url,
    demoOperator: running.demoOperator,
  });
  process.stdout.write(`${banner.join("\n")}\n`);
  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    // A second signal (Ctrl-C twice) does not wait for the deadline.
    if (stopping) process.exit(1);
    stopping = true;
    const seconds = running.config.shutdownTimeoutMs / 1000;
    process.stdout.write(
      `${signal}: stopping; requests and jobs in flight get up to ${seconds} s (KASSA_SHUTDOWN_TIMEOUT_SECONDS)\n`,
    );
    await running.shutdown(running.config.shutdownTimeoutMs);
    process.stdout.write("Kassa stopped.\n");
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  // The operator's mistakes (configuration, a database that is down or missing) are told in
  // words, without a stack; anything else is a bug, and its stack is what fixes it.
  const operators =
    error instanceof ConfigError ||
    error instanceof DatabaseUnavailableError ||
    error instanceof PortInUseError;
  process.stderr.write(
    `${operators ? error.message : String(error instanceof Error ? error.stack : error)}\n`,
  );
  process.exit(1);
});
