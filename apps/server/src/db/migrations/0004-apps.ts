import { type Kysely, sql } from "kysely";

/**
 * Merchants and apps (issue 8 §1): one deployment serves one or more merchants (a WeChat Pay
 * mchid), each with one or more apps (a mini program's appid), and every user, product,
 * order, payment and event belongs to an app.
 *
 * Rows made before this migration belong to `app_default` of `mch_default`, which it creates
 * without channel ids; the single app configured from the environment is that app (main.ts
 * binds its appid and mchid at start), so an existing deployment keeps all its data.
 *
 * The new `app_id` columns carry no REFERENCES clause: SQLite refuses to add a column with a
 * foreign key and a non-NULL default. Repositories always write the app of the row they make.
 */
export const DEFAULT_APP_ID = "app_default";
export const DEFAULT_MERCHANT_ID = "mch_default";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("merchants")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("wechatpay_mchid", "text", (c) => c.unique())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("apps")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("merchant_id", "text", (c) => c.notNull().references("merchants.id"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("wechat_appid", "text", (c) => c.unique())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  const now = Date.now();
  await sql`insert into merchants (id, name, wechatpay_mchid, created_at) values (${DEFAULT_MERCHANT_ID}, 'Default merchant', null, ${now})`.execute(
    db,
  );
  await sql`insert into apps (id, merchant_id, name, wechat_appid, created_at) values (${DEFAULT_APP_ID}, ${DEFAULT_MERCHANT_ID}, 'Default app', null, ${now})`.execute(
    db,
  );
  for (const table of ["users", "products", "orders", "payments", "outbox_events"]) {
    await db.schema
      .alterTable(table)
      .addColumn("app_id", "text", (c) => c.notNull().defaultTo(DEFAULT_APP_ID))
      .execute();
  }
  await db.schema.createIndex("products_app").on("products").columns(["app_id"]).execute();
  await db.schema.createIndex("orders_app_created").on("orders").columns(["app_id", "created_at"]).execute();
  await db.schema
    .createIndex("outbox_events_app_created")
    .on("outbox_events")
    .columns(["app_id", "created_at"])
    .execute();
}

export async function down(): Promise<void> {
  throw new Error("migration 0004-apps is not reversible: restore the backup taken before upgrading");
}
