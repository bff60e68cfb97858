import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sql } from "kysely";
import { connectDatabase, type DatabaseHandle } from "../src/db/connect.ts";
import { migrateTo, migrateToLatest } from "../src/db/migrate.ts";
import type { MIGRATIONS } from "../src/db/migrations/index.ts";

type MigrationName = keyof typeof MIGRATIONS;

/**
 * A fresh, migrated, real database for one test file (design.md convention 10): a SQLite
 * file in WAL mode by default, or, when DATABASE_URL names a PostgreSQL server, a schema of
 * its own on that server, dropped afterwards. CI runs the suite both ways.
 */
export interface TestDatabase extends DatabaseHandle {
  /** DATABASE_URL's form of it: the SQLite path, or the PostgreSQL server (its schema is Kassa's own). */
  url: string;
  /** PostgreSQL: the schema of its own (a Kassa in another process connects to it by name). */
  schema?: string;
  /** Another connection (pool) to the same database: a second Kassa instance. */
  connectAgain(): DatabaseHandle;
}

/** `upTo`: stop at this migration, to make a database as older code left it. */
export async function createTestDatabase(options: { upTo?: MigrationName } = {}): Promise<TestDatabase> {
  const migrate = (handle: DatabaseHandle) =>
    options.upTo ? migrateTo(handle, options.upTo) : migrateToLatest(handle);
  const url = process.env.DATABASE_URL;
  const suffix = randomBytes(6).toString("hex");
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const schema = `kassa_test_${suffix}`;
    const admin = connectDatabase({ url, poolSize: 1 });
    await sql`create schema ${sql.id(schema)}`.execute(admin.db);
    await admin.close();
    const handle = connectDatabase({ url, schema, poolSize: 8 });
    await migrate(handle);
    return {
      ...handle,
      url,
      schema,
      connectAgain: () => connectDatabase({ url, schema, poolSize: 8 }),
      close: async () => {
        await handle.close();
        const cleanup = connectDatabase({ url, poolSize: 1 });
        await sql`drop schema ${sql.id(schema)} cascade`.execute(cleanup.db);
        await cleanup.close();
      },
    };
  }
  const path = join(tmpdir(), `kassa-test-${suffix}.sqlite`);
  const handle = connectDatabase({ url: path });
  await migrate(handle);
  return {
    ...handle,
    url: path,
    connectAgain: () => connectDatabase({ url: path }),
    close: async () => {
      await handle.close();
      for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true });
    },
  };
}
