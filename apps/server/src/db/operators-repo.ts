import type { OperatorRole } from "../domain/operator-roles.ts";
import type { Executor } from "./executor.ts";
import type { OperatorsTable } from "./schema.ts";

export interface Operator {
  id: string;
  login: string;
  role: OperatorRole;
  /** The apps it may see; undefined for every app. */
  appIds: readonly string[] | undefined;
  hasTotp: boolean;
  createdAt: number;
  disabledAt: number | null;
}

type OperatorRow = { [K in keyof OperatorsTable]: OperatorsTable[K] };

export function operatorOf(row: OperatorRow): Operator {
  return {
    id: row.id,
    login: row.login,
    role: row.role as OperatorRole,
    appIds: row.app_ids === null ? undefined : (JSON.parse(row.app_ids) as string[]),
    hasTotp: row.totp_secret !== null,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
  };
}

/** False when the login is taken (the unique index decides, not a read before the insert). */
export async function insertOperator(
  db: Executor,
  operator: {
    id: string;
    login: string;
    passwordHash: string;
    role: OperatorRole;
    appIds: readonly string[] | undefined;
    now: number;
  },
): Promise<boolean> {
  const inserted = await db
    .insertInto("operators")
    .values({
      id: operator.id,
      login: operator.login,
      password_hash: operator.passwordHash,
      role: operator.role,
      app_ids: operator.appIds === undefined ? null : JSON.stringify([...operator.appIds].sort()),
      totp_secret: null,
      failed_logins: 0,
      locked_until: null,
      created_at: operator.now,
      disabled_at: null,
    })
    .onConflict((conflict) => conflict.column("login").doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted !== undefined;
}

export async function findOperatorRowByLogin(db: Executor, login: string): Promise<OperatorRow | undefined> {
  return db.selectFrom("operators").selectAll().where("login", "=", login).executeTakeFirst();
}

export async function listOperators(db: Executor): Promise<Operator[]> {
  const rows = await db.selectFrom("operators").selectAll().orderBy("created_at").orderBy("id").execute();
  return rows.map(operatorOf);
}

/**
 * Count a failed login, and lock the account for `lockMs` when it reaches `maxFailures`
 * (the count then starts again). One statement, so concurrent guesses all count. Returns
 * true when this failure locked the account.
 */
export async function recordFailedLogin(
  db: Executor,
  change: { operatorId: string; now: number; maxFailures: number; lockMs: number },
): Promise<boolean> {
  const row = await db
    .updateTable("operators")
    .set((eb) => ({
      failed_logins: eb
        .case()
        .when("failed_logins", ">=", change.maxFailures - 1)
        .then(0)
        .else(eb("failed_logins", "+", 1))
        .end(),
      locked_until: eb
        .case()
        .when("failed_logins", ">=", change.maxFailures - 1)
        .then(change.now + change.lockMs)
        .else(eb.ref("locked_until"))
        .end(),
    }))
    .where("id", "=", change.operatorId)
    .returning(["failed_logins", "locked_until"])
    .executeTakeFirst();
  return row !== undefined && row.failed_logins === 0 && row.locked_until === change.now + change.lockMs;
}

export async function clearFailedLogins(db: Executor, operatorId: string): Promise<void> {
  await db
    .updateTable("operators")
    .set({ failed_logins: 0, locked_until: null })
    .where("id", "=", operatorId)
    .where((eb) => eb.or([eb("failed_logins", ">", 0), eb("locked_until", "is not", null)]))
    .execute();
}
