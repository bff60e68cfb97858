import { runOperatorsCommand } from "./app/admin/operators-command.ts";
import { runLedgerCommand } from "./app/ledger-command.ts";
import { runKassaCommand } from "./app/merchant/keys-command.ts";
import { ConfigError, loadConfig } from "./config.ts";
import { connectDatabase, type DatabaseHandle } from "./db/connect.ts";
import { DatabaseUnavailableError, databaseUnavailable } from "./db/connection-problem.ts";
import { migrateToLatest } from "./db/migrate.ts";
import { randomIdSource } from "./random-ids.ts";

/**
 * `npm run kassa -- <command>`: operator commands on the configuration and database that
 * `npm start` uses (the same loadConfig, connectDatabase and migrations). With SQLite it
 * may run while the server does: writers wait for each other (db/sqlite-dialect.ts).
 * `keys ...`, `operators ...` and `ledger check` (app/ledger-command.ts).
 */
async function main(): Promise<number> {
  const config = loadConfig(process.env, process.cwd());
  let database: DatabaseHandle | undefined;
  try {
    database = connectDatabase({ url: config.databaseUrl });
    await migrateToLatest(database);
  } catch (error) {
    await database?.close().catch(() => undefined);
    throw databaseUnavailable(error, config.databaseUrl) ?? error;
  }
  try {
    const argv = process.argv.slice(2);
    const io = {
      db: database.db,
      mode: config.mode === "production" ? ("live" as const) : ("test" as const),
      now: () => Date.now(),
      ids: randomIdSource,
      out: (line: string) => process.stdout.write(`${line}\n`),
      err: (line: string) => process.stderr.write(`${line}\n`),
    };
    if (argv[0] === "ledger") return await runLedgerCommand(argv, io);
    if (argv[0] === "operators") return await runOperatorsCommand(argv, { ...io, dialect: database.dialect });
    return await runKassaCommand(argv, io);
  } finally {
    await database.close();
  }
}

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
