import type { Migration } from "kysely";
import type { DatabaseHandle } from "../db/connect.ts";
import { migrateToLatest, migrationStatus } from "../db/migrate.ts";
import { MIGRATIONS } from "../db/migrations/index.ts";

export const MIGRATE_USAGE = "Usage:\n  npm run kassa -- migrate [--status] [--json]";

/**
 * `npm run kassa -- migrate`: apply the pending migrations, naming each (a deployment runs it
 * before starting the new version; `npm start` would apply them too). `--status` lists what is
 * applied and what is pending and changes nothing. Exit codes: 0 applied, or up to date;
 * 1 `--status` found pending migrations (a deploy script can stop there); 2 a usage mistake.
 * A migration that fails throws, and kassa-cli.ts exits 1 with the database's own words.
 */
export async function runMigrateCommand(
  argv: readonly string[],
  io: {
    database: Pick<DatabaseHandle, "db" | "dialect">;
    out: (line: string) => void;
    err: (line: string) => void;
    migrations?: Record<string, Migration>;
  },
): Promise<number> {
  const flags = argv.slice(1);
  if (
    argv[0] !== "migrate" ||
    flags.some((flag) => flag !== "--status" && flag !== "--json") ||
    new Set(flags).size !== flags.length
  ) {
    io.err(MIGRATE_USAGE);
    return 2;
  }
  const migrations = io.migrations ?? MIGRATIONS;
  const json = flags.includes("--json");
  if (flags.includes("--status")) {
    const status = await migrationStatus(io.database, migrations);
    const pending = status.filter((migration) => migration.appliedAt === undefined);
    if (json)
      io.out(
        JSON.stringify({
          migrations: status.map((migration) => ({
            name: migration.name,
            appliedAt: migration.appliedAt?.toISOString() ?? null,
          })),
          pending: pending.length,
        }),
      );
    else {
      for (const migration of status)
        io.out(
          migration.appliedAt
            ? `applied  ${migration.name}  ${migration.appliedAt.toISOString()}`
            : `pending  ${migration.name}`,
        );
      io.out(
        `migrate --status: ${status.length - pending.length} applied, ${pending.length} pending${pending.length > 0 ? "; npm run kassa -- migrate applies them" : ""}`,
      );
    }
    return pending.length > 0 ? 1 : 0;
  }
  const results = await migrateToLatest(io.database, migrations);
  const applied = results
    .filter((result) => result.status === "Success")
    .map((result) => result.migrationName);
  const total = Object.keys(migrations).length;
  if (json) io.out(JSON.stringify({ applied, total }));
  else {
    for (const name of applied) io.out(`migrate: applied ${name}`);
    io.out(
      applied.length === 0
        ? `migrate: nothing to apply; the database is up to date (${total} migrations)`
        : `migrate: ${applied.length} applied; the database is up to date (${total} migrations)`,
    );
  }
  return 0;
}
