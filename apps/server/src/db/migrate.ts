import {
  type Kysely,
  type Migration,
  type MigrationResult,
  type MigrationResultSet,
  Migrator,
  sql,
} from "kysely";
import type { DatabaseHandle } from "./connect.ts";
import { MIGRATIONS } from "./migrations/index.ts";

/**
 * Apply every pending migration. Kysely's Migrator takes a lock, so several instances
 * starting at once on one PostgreSQL apply each migration exactly once.
 *
 * On PostgreSQL the migrator is told Kassa's own schema: without it, Kysely looks for its
 * `kysely_migration` tables in every schema of the database, finds another application's
 * (or another test's), skips creating Kassa's, and fails.
 */
export async function migrateToLatest(
  database: Pick<DatabaseHandle, "db" | "dialect">,
  migrations: Record<string, Migration> = MIGRATIONS,
): Promise<MigrationResult[]> {
  return outcome(await (await migratorFor(database, migrations)).migrateToLatest());
}

/** Up (or down) to the named migration: tests use it to make a database as older code left it. */
export async function migrateTo(
  database: Pick<DatabaseHandle, "db" | "dialect">,
  name: keyof typeof MIGRATIONS,
): Promise<MigrationResult[]> {
  return outcome(await (await migratorFor(database)).migrateTo(name));
}

/** Every migration of this version, in order, with when it was applied (undefined: pending). */
export async function migrationStatus(
  database: Pick<DatabaseHandle, "db" | "dialect">,
  migrations: Record<string, Migration> = MIGRATIONS,
): Promise<{ name: string; appliedAt: Date | undefined }[]> {
  const infos = await (await migratorFor(database, migrations)).getMigrations();
  return infos.map((info) => ({ name: info.name, appliedAt: info.executedAt }));
}

async function migratorFor(
  database: Pick<DatabaseHandle, "db" | "dialect">,
  migrations: Record<string, Migration> = MIGRATIONS,
): Promise<Migrator> {
  return new Migrator({
    db: database.db as Kysely<unknown>,
    provider: { getMigrations: async () => migrations },
    // Numbers are reserved per feature (0007-0009 were given out before 0010-0012 landed), so
    // a migration can land after a higher-numbered one has run on a database: it is applied
    // then, instead of the start being refused as "corrupted migrations". Each migration
    // touches only its own tables and columns, so their order between features is free.
    allowUnorderedMigrations: true,
    ...(database.dialect === "postgres" ? { migrationTableSchema: await currentSchema(database.db) } : {}),
  });
}

function outcome({ error, results }: MigrationResultSet): MigrationResult[] {
  if (error) {
    const failed = results?.find((result) => result.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`database migration ${failed} failed`, { cause: error });
  }
  return results ?? [];
}

async function currentSchema(db: DatabaseHandle["db"]): Promise<string> {
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  if (!schema) throw new Error("PostgreSQL has no current schema: set search_path to Kassa's schema");
  return schema;
}
