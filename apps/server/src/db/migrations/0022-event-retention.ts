import type { Kysely } from "kysely";

/**
 * Two things of issue 13 that share this migration's number.
 *
 * `payments.channel_failed_at`: when the channel first said a payment failed (WeChat Pay
 * `PAYERROR`); the risk rules count that failure once per payment (app/risk/channel-failures.ts).
 *
 * Purge of outbox events and finished webhook deliveries (data retention;
 * retention-repo.ts): indexes on what each bounded batch picks by, so a batch reads the rows
 * it removes, not the whole table:
 * - finished deliveries by status and last change;
 * - a delivery by its event (the unique pair is endpoint first), which an event's removal asks:
 *   an event some delivery still names stays;
 * - events by time across apps (0004's index leads with the app).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("payments").addColumn("channel_failed_at", "bigint").execute();
  await db.schema
    .createIndex("webhook_deliveries_status_updated")
    .on("webhook_deliveries")
    .columns(["status", "updated_at"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_event")
    .on("webhook_deliveries")
    .columns(["event_id"])
    .execute();
  await db.schema.createIndex("outbox_events_created").on("outbox_events").columns(["created_at"]).execute();
}
