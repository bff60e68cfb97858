import { parseArgs } from "node:util";
import type { DialectName } from "../../db/connect.ts";
import { listOperators } from "../../db/operators-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { isOperatorRole, OPERATOR_ROLES } from "../../domain/operator-roles.ts";
import type { CommandIo } from "../merchant/keys-command.ts";
import { createOperator } from "./create-operator.ts";

export const OPERATORS_USAGE = `Usage:
  npm run kassa -- operators create --login <login> --role ${OPERATOR_ROLES.join("|")} [--apps <appId,...>]
  npm run kassa -- operators list`;

/**
 * `npm run kassa -- operators ...`: the first operator of a production deployment is made
 * here (never with a default password): the password is generated, printed once, and only
 * its hash is kept. Exit code 0 done, 1 refused, 2 a usage mistake.
 */
export async function runOperatorsCommand(
  argv: readonly string[],
  io: CommandIo & { dialect: DialectName },
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    io.err(`${(error as Error).message}\n${OPERATORS_USAGE}`);
    return 2;
  }
  const [group, command, ...rest] = parsed.positionals;
  if (group !== "operators" || rest.length > 0) return usage(io);
  if (command === "list") {
    for (const operator of await listOperators(io.db))
      io.out(
        `${operator.id}  ${operator.login}  ${operator.role}  ${operator.appIds?.join(",") ?? "every app"}`,
      );
    return 0;
  }
  if (command !== "create") return usage(io);
  const { login, role, apps } = parsed.values;
  if (!login || !role) return usage(io, "operators create needs --login and --role");
  if (!isOperatorRole(role)) return usage(io, `--role must be one of ${OPERATOR_ROLES.join(", ")}`);
  const appIds = apps === undefined ? undefined : apps.split(",").map((app) => app.trim());
  for (const appId of appIds ?? []) {
    const known = await io.db.selectFrom("apps").select("id").where("id", "=", appId).executeTakeFirst();
    if (!known) {
      io.err(`No app ${appId} in this database; the apps are made at start from the configuration`);
      return 1;
    }
  }
  try {
    const made = await createOperator(
      { db: io.db, dialect: io.dialect, clock: { now: io.now }, ids: io.ids },
      { login, role, appIds },
      undefined,
    );
    io.out(`Operator ${made.operator.login} (${made.operator.role}) created: ${made.operator.id}`);
    io.out(`Password (shown once, change it after the first login): ${made.password}`);
    return 0;
  } catch (error) {
    if (error instanceof KassaError && error.code === "OPERATOR_LOGIN_TAKEN") {
      io.err(`An operator with the login ${login} exists already`);
      return 1;
    }
    throw error;
  }
}

function usage(io: CommandIo, problem?: string): number {
  io.err(problem ? `${problem}\n${OPERATORS_USAGE}` : OPERATORS_USAGE);
  return 2;
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { login: { type: "string" }, role: { type: "string" }, apps: { type: "string" } },
  });
}
