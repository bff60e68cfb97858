import type { Executor } from "./executor.ts";
import { type Operator, operatorOf } from "./operators-repo.ts";

export async function insertOperatorSession(
  db: Executor,
  session: { tokenHash: string; operatorId: string; now: number; expiresAt: number },
): Promise<void> {
  await db
    .insertInto("operator_sessions")
    .values({
      token_hash: session.tokenHash,
      operator_id: session.operatorId,
      created_at: session.now,
      last_seen_at: session.now,
      expires_at: session.expiresAt,
      revoked_at: null,
    })
    .execute();
}

/**
 * The operator of a live session: not revoked, within its absolute lifetime, used within the
 * idle timeout, and its operator not disabled.
 */
export async function findOperatorOfSession(
  db: Executor,
  query: { tokenHash: string; now: number; idleMs: number },
): Promise<{ operator: Operator; lastSeenAt: number } | undefined> {
  const row = await db
    .selectFrom("operator_sessions")
    .innerJoin("operators", "operators.id", "operator_sessions.operator_id")
    .selectAll("operators")
    .select("operator_sessions.last_seen_at")
    .where("operator_sessions.token_hash", "=", query.tokenHash)
    .where("operator_sessions.revoked_at", "is", null)
    .where("operator_sessions.expires_at", ">", query.now)
    .where("operator_sessions.last_seen_at", ">", query.now - query.idleMs)
    .where("operators.disabled_at", "is", null)
    .executeTakeFirst();
  return row ? { operator: operatorOf(row), lastSeenAt: row.last_seen_at } : undefined;
}

export async function touchOperatorSession(db: Executor, tokenHash: string, now: number): Promise<void> {
  await db
    .updateTable("operator_sessions")
    .set({ last_seen_at: now })
    .where("token_hash", "=", tokenHash)
    .execute();
}

export async function revokeOperatorSession(db: Executor, tokenHash: string, now: number): Promise<void> {
  await db
    .updateTable("operator_sessions")
    .set({ revoked_at: now })
    .where("token_hash", "=", tokenHash)
    .where("revoked_at", "is", null)
    .execute();
}
