import type { Kysely } from "kysely";

/**
 * Every time Kassa asked the channel about a payment (confirm, the query-back job, before a
 * close), and what it heard (issue 8 §5: the order's timeline shows "queried"). A few rows
 * per payment at most: queries are budgeted (confirm) and scheduled (jobs).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("payment_queries")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("payment_id", "text", (c) => c.notNull())
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("outcome", "text", (c) => c.notNull())
    .addColumn("queried_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("payment_queries_payment")
    .on("payment_queries")
    .columns(["payment_id", "queried_at"])
    .execute();
}
