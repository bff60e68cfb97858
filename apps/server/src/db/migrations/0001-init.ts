import { type Kysely, sql } from "kysely";

/**
 * The first schema. Types are chosen to mean the same on SQLite and PostgreSQL: `text`,
 * `bigint` (fen, epoch ms; INTEGER affinity on SQLite), `integer`. Uniqueness constraints
 * carry the exactly-once rules: one out_trade_no, one notification id, one idempotency key
 * per user, one live job per dedupe key.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("users")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("appid", "text", (c) => c.notNull())
    .addColumn("openid", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addUniqueConstraint("users_appid_openid_unique", ["appid", "openid"])
    .execute();

  await db.schema
    .createTable("sessions")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("products")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("price_fen", "bigint", (c) => c.notNull().check(sqlPositive("price_fen")))
    .addColumn("stock", "bigint", (c) => c.notNull().check(sqlNonNegative("stock")))
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("orders")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("out_trade_no", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sqlPositive("amount_fen")))
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("prepay_id", "text")
    .addColumn("prepay_expires_at", "bigint")
    .addColumn("prepay_lease_until", "bigint")
    .addColumn("transaction_id", "text")
    .addColumn("bank_type", "text")
    .addColumn("paid_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("orders_user_created")
    .on("orders")
    .columns(["user_id", "created_at"])
    .execute();

  await db.schema
    .createTable("order_lines")
    .addColumn("order_id", "text", (c) => c.notNull().references("orders.id"))
    .addColumn("product_id", "text", (c) => c.notNull().references("products.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("quantity", "integer", (c) => c.notNull().check(sqlPositive("quantity")))
    .addColumn("unit_price_fen", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("order_lines_pk", ["order_id", "product_id"])
    .execute();

  await db.schema
    .createTable("idempotency_keys")
    .addColumn("user_id", "text", (c) => c.notNull())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("request_hash", "text", (c) => c.notNull())
    .addColumn("response_status", "integer")
    .addColumn("response_body", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("locked_until", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("idempotency_keys_pk", ["user_id", "key"])
    .execute();

  await db.schema
    .createTable("channel_notifications")
    .addColumn("notification_id", "text", (c) => c.primaryKey())
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("event_type", "text", (c) => c.notNull())
    .addColumn("out_trade_no", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("received_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema
    .createTable("outbox_events")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("aggregate_id", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("published_at", "bigint")
    .execute();
  await db.schema
    .createIndex("outbox_events_aggregate")
    .on("outbox_events")
    .columns(["aggregate_id"])
    .execute();

  await db.schema
    .createTable("jobs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("dedupe_key", "text", (c) => c.notNull().unique())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("run_at", "bigint", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("locked_by", "text")
    .addColumn("locked_until", "bigint")
    .addColumn("last_error", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  // Claiming reads only what is due: the cost follows due work, not all orders.
  await db.schema.createIndex("jobs_run_at").on("jobs").columns(["run_at"]).execute();

  await db.schema
    .createTable("alerts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("subject_id", "text", (c) => c.notNull())
    .addColumn("detail", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    "alerts",
    "jobs",
    "outbox_events",
    "channel_notifications",
    "idempotency_keys",
    "order_lines",
    "orders",
    "products",
    "sessions",
    "users",
  ]) {
    await db.schema.dropTable(table).execute();
  }
}

const sqlPositive = (column: string) => sql`${sql.ref(column)} > 0`;
const sqlNonNegative = (column: string) => sql`${sql.ref(column)} >= 0`;
