import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { findOperatorRowByLogin } from "../../db/operators-repo.ts";
import type { AppDeps } from "../deps.ts";
import { createOperator } from "./create-operator.ts";

export const DEMO_OPERATOR_LOGIN = "demo";

/**
 * Demo mode's operator (issue 12): an admin made at the first start, with a generated
 * password kept in the data directory (mode 0600) so each start can print it. Production
 * never has one: its first operator comes from `npm run kassa -- operators create`.
 */
export async function ensureDemoOperator(
  deps: Pick<AppDeps, "db" | "dialect" | "clock" | "ids">,
  dataDir: string,
): Promise<{ login: string; password: string }> {
  const file = join(dataDir, "demo-operator.json");
  const kept = existsSync(file)
    ? (JSON.parse(readFileSync(file, "utf8")) as { password: string })
    : undefined;
  if (await findOperatorRowByLogin(deps.db, DEMO_OPERATOR_LOGIN)) {
    if (kept) return { login: DEMO_OPERATOR_LOGIN, password: kept.password };
  }
  // A new database (or a lost file): make the operator, with the kept password when there is one.
  const made = await createOperator(
    deps,
    {
      login: DEMO_OPERATOR_LOGIN,
      role: "admin",
      appIds: undefined,
      ...(kept ? { password: kept.password } : {}),
    },
    undefined,
  ).catch(async (error: unknown) => {
    // The operator exists but its password file was lost: the demo cannot print it, so say how.
    throw new Error(
      `the demo operator exists but ${file} is gone; remove the data directory to start afresh, or make another operator with npm run kassa -- operators create (${String(error)})`,
    );
  });
  const password = kept?.password ?? (made.password as string);
  writeFileSync(file, JSON.stringify({ login: DEMO_OPERATOR_LOGIN, password }), { mode: 0o600 });
  return { login: DEMO_OPERATOR_LOGIN, password };
}
