import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Refunds (issue 9 §2; docs/refunds.md).
 *
 * - `refunds`: one row per refund, `rfd_` ids, with its `out_refund_no` (unique), amount and
 *   status. What names the refund at the channel (its payment, number and amount) is
 *   assigned once: a trigger refuses to change it, so a retry can only ever repeat the same
 *   refund (reference §5.4).
 * - `payment_refund_totals`: per refunded payment, what it captured, what refunds hold
 *   (reserved: every refund not CLOSED) and what came back (refunded: SUCCESS). A CHECK keeps
 *   0 <= refunded <= reserved <= captured, so an over-refund is refused by the database
 *   whatever the code above it read, also under many concurrent requests: each request
 *   adds its amount to `reserved` in one UPDATE, which waits on the row lock.
 *   `stock_returned` makes "return stock" happen once per payment.
 */
const FIXED_COLUMNS = {
  refunds: "id, app_id, order_id, payment_id, channel, out_refund_no, amount_fen, return_stock",
  payment_refund_totals: "payment_id, app_id, order_id, captured_fen",
} as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) return create(db);
  await db.transaction().execute((trx) => create(trx));
}

async function create(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable("refunds")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("order_id", "text", (c) => c.notNull().references("orders.id"))
    .addColumn("payment_id", "text", (c) => c.notNull().references("payments.id"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("out_refund_no", "text", (c) => c.notNull().unique())
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn("reason", "text")
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('PROCESSING', 'SUCCESS', 'CLOSED', 'ABNORMAL')`),
    )
    .addColumn("channel_refund_id", "text")
    .addColumn("return_stock", "integer", (c) => c.notNull().check(sql`return_stock in (0, 1)`))
    .addColumn("settled_offline", "integer", (c) =>
      c.notNull().defaultTo(0).check(sql`settled_offline in (0, 1)`),
    )
    .addColumn("last_error", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("succeeded_at", "bigint")
    .addColumn("closed_at", "bigint")
    .execute();
  await db.schema.createIndex("refunds_order").on("refunds").columns(["order_id", "created_at"]).execute();
  await db.schema
    .createIndex("refunds_app_created")
    .on("refunds")
    .columns(["app_id", "created_at", "id"])
    .execute();
  await db.schema
    .createTable("payment_refund_totals")
    .addColumn("payment_id", "text", (c) => c.primaryKey().references("payments.id"))
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("order_id", "text", (c) => c.notNull())
    .addColumn("captured_fen", "bigint", (c) => c.notNull().check(sql`captured_fen > 0`))
    .addColumn("reserved_fen", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("refunded_fen", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("stock_returned", "integer", (c) =>
      c.notNull().defaultTo(0).check(sql`stock_returned in (0, 1)`),
    )
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addCheckConstraint(
      "payment_refund_totals_within_captured",
      sql`refunded_fen >= 0 and refunded_fen <= reserved_fen and reserved_fen <= captured_fen`,
    )
    .execute();
  await (postgres ? fixColumnsOnPostgres(db) : fixColumnsOnSqlite(db));
}

/** `old.a is distinct from new.a or ...`: the trigger fires only on a real change. */
function changed(columns: string, distinct: "is not" | "is distinct from") {
  return sql.raw(
    columns
      .split(", ")
      .map((column) => `old.${column} ${distinct} new.${column}`)
      .join(" or "),
  );
}

async function fixColumnsOnSqlite(db: Kysely<unknown>): Promise<void> {
  for (const [table, columns] of Object.entries(FIXED_COLUMNS)) {
    const message = `${table}: ${columns} are assigned once and never change`;
    await sql`create trigger ${sql.id(`${table}_fixed`)} before update on ${sql.id(table)} for each row when ${changed(columns, "is not")} begin select raise(abort, ${sql.lit(message)}); end`.execute(
      db,
    );
  }
}

async function fixColumnsOnPostgres(db: Kysely<unknown>): Promise<void> {
  await sql`create function refunds_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception '%: % are assigned once and never change', TG_TABLE_NAME, TG_ARGV[0]
        using errcode = 'restrict_violation';
    end $$`.execute(db);
  for (const [table, columns] of Object.entries(FIXED_COLUMNS)) {
    await sql`create trigger ${sql.id(`${table}_fixed`)} before update on ${sql.id(table)} for each row when (${changed(columns, "is distinct from")}) execute function refunds_refuse_change(${sql.lit(columns)})`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("payment_refund_totals").execute();
  await db.schema.dropTable("refunds").execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    await sql`drop function refunds_refuse_change()`.execute(db);
}
