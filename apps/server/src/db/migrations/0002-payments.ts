import { type Kysely, sql } from "kysely";

/**
 * Payments apart from orders (issue 8 §2). Until now an order row carried its WeChat Pay
 * attempt (out_trade_no, prepay, transaction_id, bank_type); those move to a `payments`
 * row of their own, one per existing order, with the same out_trade_no and status, so a
 * database made by the earlier code keeps every order and every payment.
 *
 * `orders` is rebuilt rather than altered: SQLite cannot drop a column with a UNIQUE
 * constraint (out_trade_no). New tables are made first and renamed into place last, so
 * foreign keys end up pointing at the new tables on both databases. PostgreSQL runs a
 * migration in a transaction already; SQLite's is wrapped here, so a crash leaves the old
 * schema whole.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) return rebuild(db);
  await db.transaction().execute((trx) => rebuild(trx));
}

async function rebuild(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("orders_v2")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("order_lines_v2")
    .addColumn("order_id", "text", (c) => c.notNull().references("orders_v2.id"))
    .addColumn("product_id", "text", (c) => c.notNull().references("products.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("quantity", "integer", (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn("unit_price_fen", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("order_lines_primary_key", ["order_id", "product_id"])
    .execute();
  await db.schema
    .createTable("payments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("order_id", "text", (c) => c.notNull().references("orders_v2.id"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("out_trade_no", "text", (c) => c.notNull().unique())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen > 0`))
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

  await sql`
    insert into orders_v2 (id, user_id, status, amount_fen, description, expires_at, created_at, updated_at)
    select id, user_id, status, amount_fen, description, expires_at, created_at, updated_at from orders
  `.execute(db);
  await sql`
    insert into order_lines_v2 (order_id, product_id, name, quantity, unit_price_fen)
    select order_id, product_id, name, quantity, unit_price_fen from order_lines
  `.execute(db);
  // One payment per order, named after it (ord_X -> pay_X), in the order's own status.
  await sql`
    insert into payments (id, order_id, channel, out_trade_no, status, amount_fen, expires_at,
      prepay_id, prepay_expires_at, prepay_lease_until, transaction_id, bank_type, paid_at,
      created_at, updated_at)
    select 'pay_' || substr(id, 5), id, 'wechatpay', out_trade_no, status, amount_fen, expires_at,
      prepay_id, prepay_expires_at, prepay_lease_until, transaction_id, bank_type, paid_at,
      created_at, updated_at
    from orders
  `.execute(db);

  await db.schema.dropTable("order_lines").execute();
  await db.schema.dropTable("orders").execute();
  await db.schema.alterTable("orders_v2").renameTo("orders").execute();
  await db.schema.alterTable("order_lines_v2").renameTo("order_lines").execute();
  await db.schema
    .createIndex("orders_user_created")
    .on("orders")
    .columns(["user_id", "created_at"])
    .execute();
  await db.schema.createIndex("payments_order").on("payments").columns(["order_id"]).execute();
}

export async function down(): Promise<void> {
  throw new Error("migration 0002-payments is not reversible: restore the backup taken before upgrading");
}
