import type { Executor } from "./executor.ts";

export async function insertSession(
  db: Executor,
  session: { tokenHash: string; userId: string; now: number; expiresAt: number },
): Promise<void> {
  await db
    .insertInto("sessions")
    .values({
      token_hash: session.tokenHash,
      user_id: session.userId,
      created_at: session.now,
      expires_at: session.expiresAt,
    })
    .execute();
}

export async function findLiveSession(
  db: Executor,
  tokenHash: string,
  now: number,
): Promise<{ userId: string; appId: string } | undefined> {
  const row = await db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["sessions.user_id", "users.app_id"])
    .where("sessions.token_hash", "=", tokenHash)
    .where("sessions.expires_at", ">", now)
    .executeTakeFirst();
  return row ? { userId: row.user_id, appId: row.app_id } : undefined;
}

/** Logout: the session is gone, so its token authenticates nothing any more. */
export async function deleteSession(db: Executor, tokenHash: string): Promise<void> {
  await db.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
}

/**
 * Keep `keep` (the session just made) and the user's `othersToKeep` newest other sessions;
 * delete the rest. Returns how many were revoked. The session just made is named rather
 * than found by time, so two logins in one millisecond cannot revoke it.
 */
export async function revokeOlderSessions(
  db: Executor,
  change: { userId: string; keep: string; othersToKeep: number },
): Promise<number> {
  const newestOthers = db
    .selectFrom("sessions")
    .select("token_hash")
    .where("user_id", "=", change.userId)
    .where("token_hash", "<>", change.keep)
    .orderBy("created_at", "desc")
    .orderBy("token_hash", "desc")
    .limit(change.othersToKeep);
  const result = await db
    .deleteFrom("sessions")
    .where("user_id", "=", change.userId)
    .where("token_hash", "<>", change.keep)
    .where("token_hash", "not in", newestOthers)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Delete up to `limit` sessions that expired at or before `now`; returns how many. Bounded
 * so one sweep never holds the table (SQLite's one writer) for long: a full batch means
 * "run again soon".
 */
export async function deleteExpiredSessions(
  db: Executor,
  sweep: { now: number; limit: number },
): Promise<number> {
  const expired = db
    .selectFrom("sessions")
    .select("token_hash")
    .where("expires_at", "<=", sweep.now)
    .limit(sweep.limit);
  const result = await db.deleteFrom("sessions").where("token_hash", "in", expired).executeTakeFirst();
  return Number(result.numDeletedRows);
}
