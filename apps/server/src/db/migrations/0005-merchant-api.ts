import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * The merchant API (issue 8 §5): API keys for the merchant's own servers, and what the
 * order timeline reads.
 *
 * - `api_keys`: one row per key of an app; only the SHA-256 of the secret is kept (unique,
 *   the lookup), with a short hint of its start so a person can tell keys apart in a list.
 *   Revoking sets `revoked_at`; the row stays, so a list shows what was revoked and when.
 * - `payments.prepaid_at`: when the channel gave the payment its prepay reference. Payments
 *   prepaid before this migration keep NULL (the moment was never stored), so their
 *   timeline shows no prepay entry rather than a guessed one.
 * - `outbox_events.seq`: the order events were written in, for the event feed's cursor. Times
 *   and random ids cannot order events written in the same millisecond (a reader past one
 *   would skip the other). PostgreSQL: a bigserial. SQLite cannot add an autoincrement column,
 *   so a trigger copies the rowid, which grows with each insert (writers are serialized).
 * - indexes for the timeline's reads (notifications by out_trade_no, alerts by subject) and
 *   for paging an app's catalog on (created_at, id).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("api_keys")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("secret_hash", "text", (c) => c.notNull().unique())
    .addColumn("secret_hint", "text", (c) => c.notNull())
    .addColumn("scopes", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_used_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .execute();
  await db.schema.createIndex("api_keys_app").on("api_keys").columns(["app_id", "created_at"]).execute();
  await db.schema.alterTable("payments").addColumn("prepaid_at", "bigint").execute();
  await db.schema
    .createIndex("channel_notifications_out_trade_no")
    .on("channel_notifications")
    .columns(["out_trade_no"])
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table outbox_events add column seq bigserial`.execute(db);
  } else {
    await sql`alter table outbox_events add column seq integer`.execute(db);
    await sql`update outbox_events set seq = rowid`.execute(db);
    await sql`create trigger outbox_events_seq after insert on outbox_events begin update outbox_events set seq = new.rowid where rowid = new.rowid; end`.execute(
      db,
    );
  }
  await db.schema
    .createIndex("outbox_events_app_seq")
    .on("outbox_events")
    .columns(["app_id", "seq"])
    .execute();
  await db.schema.createIndex("alerts_subject").on("alerts").columns(["subject_id"]).execute();
  await db.schema
    .createIndex("products_app_created")
    .on("products")
    .columns(["app_id", "created_at", "id"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("products_app_created").execute();
  await db.schema.dropIndex("alerts_subject").execute();
  await db.schema.dropIndex("outbox_events_app_seq").execute();
  await sql`drop trigger if exists outbox_events_seq`.execute(db).catch(() => undefined);
  await db.schema.alterTable("outbox_events").dropColumn("seq").execute();
  await db.schema.dropIndex("channel_notifications_out_trade_no").execute();
  await db.schema.alterTable("payments").dropColumn("prepaid_at").execute();
  await db.schema.dropTable("api_keys").execute();
}
