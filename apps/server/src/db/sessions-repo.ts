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
): Promise<{ userId: string } | undefined> {
  const row = await db
    .selectFrom("sessions")
    .select("user_id")
    .where("token_hash", "=", tokenHash)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return row ? { userId: row.user_id } : undefined;
}
