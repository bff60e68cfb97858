import { type Kysely, sql } from "kysely";

/**
 * Webhooks to the merchant's systems (issue 11; docs/webhooks.md).
 *
 * - `webhook_endpoints`: an app's receivers. The signing secret is stored only sealed
 *   (AES-256-GCM under the master key, app/webhooks/secret-box.ts), with a fingerprint a
 *   list can show; during a rotation the previous secret stays, sealed, until its time is up.
 *   Deleting keeps the row (deliveries point at it) and drops both secrets.
 * - `webhook_deliveries`: one row per (event, endpoint), written in the transaction of the
 *   event (db/events-repo.ts), so no event is committed without its deliveries. The unique
 *   pair makes a second fan-out of one event a no-op.
 * - `webhook_attempts`: every try, with what the receiver answered (status, latency, the
 *   first bytes) or why nothing came back.
 * - `outbox_events.aggregate_seq`: the event's number among its object's events (1, 2, ...),
 *   the payload's `sequence`, so a receiver can drop an event older than one it has applied.
 *   Events written before it are numbered in the order they were written.
 * - `jobs.queue`: deliveries run in a queue of their own, claimed by their own worker, so a
 *   slow receiver never holds up the order jobs. Earlier jobs are in `default`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("webhook_endpoints")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("event_types", "text", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull())
    .addColumn("disabled_reason", "text")
    .addColumn("secret_sealed", "text")
    .addColumn("secret_fingerprint", "text", (c) => c.notNull())
    .addColumn("previous_secret_sealed", "text")
    .addColumn("previous_secret_expires_at", "bigint")
    .addColumn("failing_since", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("deleted_at", "bigint")
    .execute();
  await db.schema
    .createIndex("webhook_endpoints_app")
    .on("webhook_endpoints")
    .columns(["app_id", "created_at", "id"])
    .execute();

  await db.schema
    .createTable("webhook_deliveries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("endpoint_id", "text", (c) => c.notNull().references("webhook_endpoints.id"))
    .addColumn("event_id", "text", (c) => c.notNull().references("outbox_events.id"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("step", "integer", (c) => c.notNull())
    .addColumn("attempt_count", "integer", (c) => c.notNull())
    .addColumn("next_attempt_at", "bigint")
    .addColumn("last_attempt_at", "bigint")
    .addColumn("last_status_code", "integer")
    .addColumn("last_error", "text")
    .addColumn("succeeded_at", "bigint")
    .addColumn("replay_requested_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("webhook_deliveries_endpoint_event", ["endpoint_id", "event_id"])
    .execute();
  await db.schema
    .createIndex("webhook_deliveries_endpoint_created")
    .on("webhook_deliveries")
    .columns(["endpoint_id", "created_at", "id"])
    .execute();

  await db.schema
    .createTable("webhook_attempts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("delivery_id", "text", (c) => c.notNull().references("webhook_deliveries.id"))
    .addColumn("endpoint_id", "text", (c) => c.notNull())
    .addColumn("trigger", "text", (c) => c.notNull())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("started_at", "bigint", (c) => c.notNull())
    .addColumn("latency_ms", "integer", (c) => c.notNull())
    .addColumn("status_code", "integer")
    .addColumn("response_excerpt", "text")
    .addColumn("error", "text")
    .addColumn("succeeded", "integer", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("webhook_attempts_delivery")
    .on("webhook_attempts")
    .columns(["delivery_id", "started_at"])
    .execute();

  await db.schema.alterTable("outbox_events").addColumn("aggregate_seq", "integer").execute();
  await sql`update outbox_events set aggregate_seq = (select count(*) from outbox_events earlier where earlier.aggregate_id = outbox_events.aggregate_id and earlier.seq <= outbox_events.seq)`.execute(
    db,
  );
  await db.schema
    .createIndex("outbox_events_aggregate_seq")
    .on("outbox_events")
    .columns(["aggregate_id", "aggregate_seq"])
    .unique()
    .execute();

  await db.schema
    .alterTable("jobs")
    .addColumn("queue", "text", (c) => c.notNull().defaultTo("default"))
    .execute();
  await db.schema.createIndex("jobs_queue_run_at").on("jobs").columns(["queue", "run_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("jobs_queue_run_at").execute();
  await db.schema.alterTable("jobs").dropColumn("queue").execute();
  await db.schema.dropIndex("outbox_events_aggregate_seq").execute();
  await db.schema.alterTable("outbox_events").dropColumn("aggregate_seq").execute();
  await db.schema.dropTable("webhook_attempts").execute();
  await db.schema.dropTable("webhook_deliveries").execute();
  await db.schema.dropTable("webhook_endpoints").execute();
}
