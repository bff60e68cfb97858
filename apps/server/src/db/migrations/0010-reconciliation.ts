import { type Kysely, sql } from "kysely";

/**
 * Daily reconciliation (issue 11; docs/reconciliation.md).
 *
 * - `reconciliation_runs`: one row per (app, channel, Beijing-time day), made when the day
 *   is first reconciled and reused by every re-run, holding the latest report: counts and
 *   sums on the channel's side (its trade bill and fund-flow fees) and on Kassa's (payments,
 *   refunds, the fees posted to the ledger), and how many differences are open.
 * - `reconciliation_differences`: what did not match, once per (run, class, subject), so a
 *   re-run finds the difference it recorded before instead of adding a second; amounts on
 *   each side, what Kassa did about it, open or resolved. `pass` is the run's pass that last
 *   saw it: one not seen by a later pass is resolved by it.
 * - `reconciliation_statement_rows`: the channel's rows of a pass, staged so that matching
 *   is SQL over indexed tables instead of arrays in memory (a day's bill can hold millions
 *   of rows); emptied when the pass ends.
 * - `payments_app_paid_at`: the payments captured in a day, read by each pass.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("reconciliation_runs")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("channel", "text", (c) => c.notNull())
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('waiting', 'running', 'completed')`))
    .addColumn("pass", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("bill_payments", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("bill_payments_fen", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("bill_refunds", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("bill_refunds_fen", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("bill_fees_fen", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("bill_unreadable", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("kassa_payments", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("kassa_payments_fen", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("kassa_refunds", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("kassa_refunds_fen", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("fees_posted_fen", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("differences_open", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("differences_resolved", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("last_error", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("started_at", "bigint")
    .addColumn("completed_at", "bigint")
    .addUniqueConstraint("reconciliation_runs_day", ["app_id", "channel", "day"])
    .execute();
  await db.schema
    .createIndex("reconciliation_runs_app_day")
    .on("reconciliation_runs")
    .columns(["app_id", "day", "id"])
    .execute();

  await db.schema
    .createTable("reconciliation_differences")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("run_id", "text", (c) => c.notNull().references("reconciliation_runs.id"))
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("class", "text", (c) => c.notNull())
    .addColumn("subject", "text", (c) => c.notNull())
    .addColumn("out_trade_no", "text")
    .addColumn("out_refund_no", "text")
    .addColumn("bill_amount_fen", "bigint")
    .addColumn("kassa_amount_fen", "bigint")
    .addColumn("ledger_amount_fen", "bigint")
    .addColumn("detail", "text", (c) => c.notNull())
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('open', 'resolved')`))
    .addColumn("pass", "integer", (c) => c.notNull())
    .addColumn("alert_id", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("resolved_at", "bigint")
    .addUniqueConstraint("reconciliation_differences_subject", ["run_id", "class", "subject"])
    .execute();
  await db.schema
    .createIndex("reconciliation_differences_run")
    .on("reconciliation_differences")
    .columns(["run_id", "id"])
    .execute();

  await db.schema
    .createTable("reconciliation_statement_rows")
    .addColumn("run_id", "text", (c) => c.notNull().references("reconciliation_runs.id"))
    .addColumn("kind", "text", (c) => c.notNull().check(sql`kind in ('payment', 'refund', 'fee')`))
    .addColumn("entry_key", "text", (c) => c.notNull())
    .addColumn("out_trade_no", "text")
    .addColumn("out_refund_no", "text")
    // The channel's id of the payment, refund or fee movement.
    .addColumn("channel_id", "text")
    // A fee's payment or refund (WeChat: 业务凭证号), an out_trade_no or an out_refund_no.
    .addColumn("reference", "text")
    .addColumn("status", "text")
    .addColumn("amount_fen", "bigint", (c) => c.notNull())
    .addColumn("fee_milli_fen", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("reconciliation_statement_rows_pk", ["run_id", "kind", "entry_key"])
    .execute();

  await db.schema
    .createIndex("reconciliation_statement_rows_reference")
    .on("reconciliation_statement_rows")
    .columns(["run_id", "kind", "reference"])
    .execute();
  await db.schema.createIndex("payments_app_paid_at").on("payments").columns(["app_id", "paid_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("payments_app_paid_at").execute();
  await db.schema.dropIndex("reconciliation_statement_rows_reference").execute();
  await db.schema.dropTable("reconciliation_statement_rows").execute();
  await db.schema.dropIndex("reconciliation_differences_run").execute();
  await db.schema.dropTable("reconciliation_differences").execute();
  await db.schema.dropIndex("reconciliation_runs_app_day").execute();
  await db.schema.dropTable("reconciliation_runs").execute();
}
