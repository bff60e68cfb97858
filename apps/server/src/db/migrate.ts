import { type Kysely, type MigrationResult, Migrator } from "kysely";
import { MIGRATIONS } from "./migrations/index.ts";

/**
 * Apply every pending migration. Kysely's Migrator takes a lock, so several instances
 * starting at once on one PostgreSQL apply each migration exactly once.
 */
export async function migrateToLatest<Schema>(db: Kysely<Schema>): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((result) => result.status === "Error")?.migrationName ?? "unknown";
    throw new Error(`database migration ${failed} failed`, { cause: error });
  }
  return results ?? [];
}
