import { existsSync } from "node:fs";
import { sql } from "kysely";
import type { DatabaseHandle } from "../../db/connect.ts";
import { databaseUnavailable } from "../../db/connection-problem.ts";
import { databaseReadiness } from "../../db/readiness.ts";
import { fail, ok, type Verdict } from "./check.ts";

/**
 * The database answers and holds every migration of this version: /readyz's question
 * (db/readiness.ts), asked before the start. The doctor never migrates or creates anything;
 * a SQLite file that is not there yet is reported, not made.
 */
export async function checkDatabase(
  url: string,
  connect: () => DatabaseHandle,
  mode: "demo" | "production",
): Promise<{ verdict: Verdict; handle: DatabaseHandle | undefined }> {
  const sqlite = !/^postgres(ql)?:\/\//.test(url);
  if (sqlite && url !== ":memory:" && !existsSync(url)) {
    const create = "npm start (or any npm run kassa -- command) creates and migrates it";
    // A fresh clone's demo has no database until its first start: that is its normal state.
    return {
      verdict:
        mode === "demo"
          ? ok(`no database at ${url} yet, as before a first start: ${create}`)
          : fail(`there is no database at ${url}: ${create}`),
      handle: undefined,
    };
  }
  let handle: DatabaseHandle;
  try {
    handle = connect();
  } catch (error) {
    return { verdict: fail(operatorsWords(error, url)), handle: undefined };
  }
  try {
    // Asked here rather than through readiness: the driver's error says why (refused, no such database).
    await sql`select 1 as one`.execute(handle.db);
  } catch (error) {
    await handle.close().catch(() => undefined);
    return { verdict: fail(operatorsWords(error, url)), handle: undefined };
  }
  const readiness = await databaseReadiness(handle.db);
  if (!readiness.migrations.ok) {
    // Tables of this version may be missing: nothing more is read from it.
    await handle.close();
    return { verdict: fail(`migrations: ${readiness.migrations.detail}`), handle: undefined };
  }
  return { verdict: ok(`${where(url)} answers; migrations: ${readiness.migrations.detail}`), handle };
}

/** connection-problem.ts's words (never the password), without its "cannot start" framing. */
function operatorsWords(error: unknown, url: string): string {
  const problem = databaseUnavailable(error, url);
  if (problem) return problem.message.replace(/^Kassa cannot start: /, "");
  return `${where(url)}: ${error instanceof Error ? error.message : String(error)}`;
}

function where(url: string): string {
  if (!/^postgres(ql)?:\/\//.test(url)) return `SQLite ${url}`;
  const parsed = new URL(url);
  return `PostgreSQL at ${parsed.host}${parsed.pathname}`;
}
