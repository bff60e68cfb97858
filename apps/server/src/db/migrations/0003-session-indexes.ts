import type { Kysely } from "kysely";

/**
 * Sessions are now looked up by user (the per-user cap runs on every login) and by expiry
 * (the sweep job), not only by token: without these, both scan the whole table.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex("sessions_user_created")
    .on("sessions")
    .columns(["user_id", "created_at"])
    .execute();
  await db.schema.createIndex("sessions_expires").on("sessions").columns(["expires_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("sessions_expires").execute();
  await db.schema.dropIndex("sessions_user_created").execute();
}
