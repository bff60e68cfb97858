import type { ExternalChannelName } from "../domain/payment.ts";
import type { Executor } from "./executor.ts";

/**
 * One user per (appid, openid): the channel's app id and the id it gives the user there.
 * The first login creates it, later logins find it.
 */
export async function findOrCreateUser(
  db: Executor,
  input: {
    appId: string;
    channel: ExternalChannelName;
    appid: string;
    openid: string;
    newId: string;
    now: number;
  },
): Promise<{ id: string }> {
  await db
    .insertInto("users")
    .values({
      id: input.newId,
      app_id: input.appId,
      channel: input.channel,
      appid: input.appid,
      openid: input.openid,
      created_at: input.now,
    })
    .onConflict((conflict) => conflict.columns(["appid", "openid"]).doNothing())
    .execute();
  return db
    .selectFrom("users")
    .select("id")
    .where("appid", "=", input.appid)
    .where("openid", "=", input.openid)
    .executeTakeFirstOrThrow();
}

export async function findUserOpenid(db: Executor, userId: string): Promise<string | undefined> {
  const row = await db.selectFrom("users").select("openid").where("id", "=", userId).executeTakeFirst();
  return row?.openid;
}

/**
 * Serialise one user's order creations: an update of the user's row takes its row lock
 * (PostgreSQL) or the write lock (SQLite) until the transaction ends, so two concurrent
 * orders cannot both pass the per-user caps. It is always the first lock an order
 * creation takes, before the stock rows, so it adds no deadlock.
 *
 * The caps' counts are read by a statement of their own after this one: on PostgreSQL a
 * count in this UPDATE's RETURNING would see the snapshot taken before the lock was
 * granted, so orders committed while it waited would not be counted (seen in
 * flows/order-limits.test.ts when the two were merged).
 */
export async function lockUserForUpdate(db: Executor, userId: string): Promise<Payer> {
  const row = await db
    .updateTable("users")
    .set((eb) => ({ id: eb.ref("id") }))
    .where("id", "=", userId)
    // The channel never changes, so the snapshot's value is the value.
    .returning("channel")
    .executeTakeFirst();
  if (!row) throw new Error(`user ${userId} has a session but no row`);
  return { channel: row.channel };
}

/** What an order needs of its payer: the channel they logged in through pays for it (migration 0020). */
export interface Payer {
  channel: ExternalChannelName;
}
