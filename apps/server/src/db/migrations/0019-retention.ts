import type { Kysely } from "kysely";

/**
 * Data retention (issue 13; app/purge.ts):
 * - indexes on the times purge cuts by, so each bounded batch reads the rows it deletes, not
 *   the whole table (payer sessions already have sessions_expires, migration 0003);
 * - `users.purged_at`: when an inactive payer's openid was replaced by a tombstone. The row
 *   stays, so orders, refunds, bookings and the wallet's ledger account still name a user.
 * It builds on 0009 (webhook_attempts) and 0011 (operator_sessions), so it must run after them.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("users").addColumn("purged_at", "bigint").execute();
  await db.schema.createIndex("users_created").on("users").columns(["created_at"]).execute();
  await db.schema
    .createIndex("idempotency_keys_created")
    .on("idempotency_keys")
    .columns(["created_at"])
    .execute();
  await db.schema
    .createIndex("channel_notifications_received")
    .on("channel_notifications")
    .columns(["received_at"])
    .execute();
  await db.schema
    .createIndex("webhook_attempts_started")
    .on("webhook_attempts")
    .columns(["started_at"])
    .execute();
  await db.schema
    .createIndex("operator_sessions_expires")
    .on("operator_sessions")
    .columns(["expires_at"])
    .execute();
}
