import { type Kysely, sql } from "kysely";

/**
 * Maker-checker for console refunds (issue 12, domain/refund-approval.ts): a refund above the
 * threshold waits here until a second operator decides. `requested_by` and `decided_by` are
 * operators; the database refuses a decision by the maker (the CHECK), whatever the code
 * does. `refund_id` is the refund an approval made, set in the transaction that records it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("refund_approvals")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("order_id", "text", (c) => c.notNull())
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn("reason", "text")
    .addColumn("return_stock", "integer", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("requested_by", "text", (c) => c.notNull().references("operators.id"))
    .addColumn("requested_at", "bigint", (c) => c.notNull())
    .addColumn("decided_by", "text", (c) => c.references("operators.id"))
    .addColumn("decided_at", "bigint")
    .addColumn("decision_note", "text")
    .addColumn("refund_id", "text", (c) => c.unique())
    .addCheckConstraint(
      "refund_approvals_second_operator",
      sql`decided_by is null or decided_by <> requested_by`,
    )
    .execute();
  await db.schema
    .createIndex("refund_approvals_app_requested")
    .on("refund_approvals")
    .columns(["app_id", "requested_at", "id"])
    .execute();
  await db.schema
    .createIndex("refund_approvals_order")
    .on("refund_approvals")
    .columns(["order_id"])
    .execute();
}
