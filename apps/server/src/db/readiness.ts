import { type Kysely, sql } from "kysely";
import { MIGRATIONS } from "./migrations/index.ts";
import type { Database } from "./schema.ts";

export interface ReadinessCheck {
  ok: boolean;
  detail: string;
}

/**
 * Whether the database can serve: it answers, and every migration of this version is applied.
 * /readyz (http/ops/plugin.ts) and `kassa doctor` (app/doctor/) ask the same question here.
 */
export async function databaseReadiness(
  db: Kysely<Database>,
): Promise<{ database: ReadinessCheck; migrations: ReadinessCheck }> {
  const database = await sql`select 1 as one`
    .execute(db)
    .then(() => ({ ok: true, detail: "answers" }))
    .catch((error: Error) => ({ ok: false, detail: `no answer: ${error.message}` }));
  const expected = Object.keys(MIGRATIONS).length;
  const migrations = await sql<{ count: number }>`select count(*) as count from kysely_migration`
    .execute(db)
    .then(({ rows }) => {
      const applied = Number(rows[0]?.count ?? 0);
      return applied >= expected
        ? { ok: true, detail: `${applied} applied` }
        : {
            ok: false,
            detail: `${applied} of ${expected} applied: a start (or npm run kassa -- migrate) applies them`,
          };
    })
    .catch((error: Error) => ({ ok: false, detail: `cannot read them: ${error.message}` }));
  return { database, migrations };
}
