import { insertOperator, type Operator } from "../../db/operators-repo.ts";
import { inTransaction } from "../../db/transaction.ts";
import { KassaError } from "../../domain/errors.ts";
import { makeId } from "../../domain/ids.ts";
import type { OperatorRole } from "../../domain/operator-roles.ts";
import type { AppDeps } from "../deps.ts";
import { type Actor, audit } from "./audit.ts";
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from "./passwords.ts";

/**
 * Make an operator. Without a password, one is generated and returned once: it is never
 * stored, only its hash. `actor` is the admin who made it; none for the CLI and the demo.
 */
export async function createOperator(
  deps: Pick<AppDeps, "db" | "dialect" | "clock" | "ids">,
  input: { login: string; role: OperatorRole; appIds: readonly string[] | undefined; password?: string },
  actor: Actor | undefined,
): Promise<{ operator: Operator; password: string | undefined }> {
  if (input.password !== undefined && input.password.length < MIN_PASSWORD_LENGTH)
    throw new KassaError("REQUEST_INVALID", {
      issues: [{ field: "body/password", issue: `at least ${MIN_PASSWORD_LENGTH} characters` }],
    });
  const password = input.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  const now = deps.clock.now();
  const operator: Operator = {
    id: makeId("operator", deps.ids),
    login: input.login,
    role: input.role,
    appIds: input.appIds,
    hasTotp: false,
    createdAt: now,
    disabledAt: null,
  };
  await inTransaction(deps.db, async (trx) => {
    const inserted = await insertOperator(trx, { ...operator, passwordHash, now });
    if (!inserted) throw new KassaError("OPERATOR_LOGIN_TAKEN");
    if (actor)
      await audit({ ...deps, db: trx }, actor, {
        action: "operator.create",
        objectType: "operator",
        objectId: operator.id,
        after: { login: operator.login, role: operator.role, apps: operator.appIds ?? null },
      });
  });
  return { operator, password: input.password === undefined ? password : undefined };
}
