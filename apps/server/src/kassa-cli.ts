import { runOperatorsCommand } from "./app/admin/operators-command.ts";
import { runDoctorCommand } from "./app/doctor/doctor-command.ts";
import { runJobsCommand } from "./app/jobs-command.ts";
import { runLedgerCommand } from "./app/ledger-command.ts";
import { runKassaCommand } from "./app/merchant/keys-command.ts";
import { runMigrateCommand } from "./app/migrate-command.ts";
import { runPurgeCommand } from "./app/purge-command.ts";
import { runListenCommand } from "./app/webhooks/listen-command.ts";
import { runTriggerCommand } from "./app/webhooks/trigger-command.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { connectDatabase, type DatabaseHandle } from "./db/connect.ts";
import { DatabaseUnavailableError, databaseUnavailable } from "./db/connection-problem.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { commandOf } from "./kassa-commands.ts";
import { randomIdSource } from "./random-ids.ts";
import { masterKeyOf } from "./webhooks/master-key.ts";

/**
 * `npm run kassa -- <command>`: operator commands on the configuration and database that
 * `npm start` uses (the same loadConfig, connectDatabase and migrations). With SQLite it
 * may run while the server does: writers wait for each other (db/sqlite-dialect.ts).
 * `keys ...`, `operators ...`, `ledger check` (app/ledger-command.ts), webhooks' `listen`
 * and `trigger` (app/webhooks/), `doctor` (app/doctor/), `migrate`, `jobs` and `purge`.
 */
async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const print = {
    out: (line: string) => process.stdout.write(`${line}\n`),
    err: (line: string) => process.stderr.write(`${line}\n`),
  };
  // Before any configuration or database: a mistyped command changes nothing.
  const command = commandOf(argv, print);
  if (typeof command === "number") return command;
  // Before loadConfig and the migration: the doctor reports a configuration it cannot run
  // (exit 2) and never changes the database.
  if (argv[0] === "doctor")
    return runDoctorCommand(argv, {
      env: process.env,
      cwd: process.cwd(),
      ...print,
    });
  const config = loadConfig(process.env, process.cwd());
  // trigger talks to the running Kassa over HTTP, as a payer does: it needs no database.
  if (argv[0] === "trigger") {
    // Loaded here only: the production CLI never loads the simulator.
    const { DEMO_MERCHANT } = await import("./channels/demo-sandbox.ts");
    return runTriggerCommand(argv, {
      mode: config.mode,
      appid: DEMO_MERCHANT.appid,
      mchid: DEMO_MERCHANT.mchid,
      kassaUrl: `http://127.0.0.1:${config.port}`,
      simulatorUrl: `http://127.0.0.1:${config.simulatorPort}`,
      ...print,
    });
  }
  let database: DatabaseHandle | undefined;
  try {
    database = connectDatabase({ url: config.databaseUrl });
    // migrate is the one command that shows (or applies, naming each) the migrations itself.
    if (argv[0] === "migrate") {
      const handle = database;
      return await runMigrateCommand(argv, {
        database: handle,
        ...print,
      }).finally(() => handle.close());
    }
    await migrateToLatest(database);
  } catch (error) {
    await database?.close().catch(() => undefined);
    throw databaseUnavailable(error, config.databaseUrl) ?? error;
  }
  try {
    const io = {
      db: database.db,
      mode: config.mode === "production" ? ("live" as const) : ("test" as const),
      now: () => Date.now(),
      ids: randomIdSource,
      ...print,
    };
    if (argv[0] === "listen") {
      const stop = new AbortController();
      for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => stop.abort());
      const apps = config.mode === "demo" ? [] : config.apps;
      return await runListenCommand(argv, {
        ...io,
        webhooks: {
          secretBox: masterKeyOf(config),
          mode: config.mode,
          allowedHosts: (appId) => apps.find((app) => app.id === appId)?.webhookDomains ?? [],
        },
        signal: stop.signal,
      });
    }
    if (argv[0] === "ledger") return await runLedgerCommand(argv, io);
    if (argv[0] === "jobs") return await runJobsCommand(argv, io);
    if (argv[0] === "purge") return await runPurgeCommand(argv, { ...io, retention: config.retention });
    if (argv[0] === "operators") return await runOperatorsCommand(argv, { ...io, dialect: database.dialect });
    if (argv[0] === "keys") return await runKassaCommand(argv, io);
    throw new Error(`kassa-commands.ts lists ${command}, which kassa-cli.ts does not run`);
  } finally {
    await database.close();
  }
}

// Piped into a reader that stops early (`| head`, or jq refusing its input), the next write
// fails with EPIPE: that is the reader's choice, not Kassa's failure, so end quietly the way
// other command-line tools do instead of dying on an unhandled 'error' event.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(process.exitCode ?? 0);
});

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const operators = error instanceof ConfigError || error instanceof DatabaseUnavailableError;
    process.stderr.write(
      `${operators ? error.message : String(error instanceof Error ? error.stack : error)}\n`,
    );
    process.exitCode = 1;
  },
);
