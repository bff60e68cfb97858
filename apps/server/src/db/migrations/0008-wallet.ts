import { type Kysely, sql } from "kysely";

/**
 * The stored-value wallet (issue 9 §3; docs/wallet.md). The balances themselves are ledger
 * accounts (`wallet:usr_…`, migration 0006, whose CHECK keeps them >= 0); this adds what the
 * ledger does not hold:
 *
 * - `orders.kind`: a purchase (every order so far) or a top-up of the payer's wallet, and
 *   `orders.bonus_fen`, what a top-up credits on top of what is paid (0 for a purchase; a
 *   CHECK keeps it so). The capture of a top-up credits amount + bonus to the wallet in the
 *   transaction that makes it PAID (ledger-postings.ts `top_up_captured`).
 * - `orders.top_up_tier_id`: the tier a top-up was priced from (null for a custom amount).
 * - `wallet_tiers`: per app, the fixed top-up amounts the merchant offers, each with a bonus.
 * - `wallet_adjustments`: an operator's manual credit or debit of one wallet, with a reason;
 *   its ledger entry (`wallet_adjustment`) is posted in the same transaction.
 *
 * Only new columns with defaults and new tables: orders written before keep working.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("orders")
    .addColumn("kind", "text", (c) =>
      c.notNull().defaultTo("purchase").check(sql`kind in ('purchase', 'top_up')`),
    )
    .execute();
  await db.schema
    .alterTable("orders")
    .addColumn("bonus_fen", "bigint", (c) =>
      c.notNull().defaultTo(0).check(sql`bonus_fen = 0 or (bonus_fen > 0 and kind = 'top_up')`),
    )
    .execute();
  await db.schema.alterTable("orders").addColumn("top_up_tier_id", "text").execute();
  await db.schema
    .createTable("wallet_tiers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn("bonus_fen", "bigint", (c) => c.notNull().defaultTo(0).check(sql`bonus_fen >= 0`))
    .addColumn("active", "integer", (c) => c.notNull().defaultTo(1).check(sql`active in (0, 1)`))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("wallet_tiers_app")
    .on("wallet_tiers")
    .columns(["app_id", "amount_fen"])
    .execute();
  await db.schema
    .createTable("wallet_adjustments")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen <> 0`))
    .addColumn("reason", "text", (c) => c.notNull().check(sql`length(reason) > 0`))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("wallet_adjustments_user")
    .on("wallet_adjustments")
    .columns(["app_id", "user_id", "created_at"])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("wallet_adjustments").execute();
  await db.schema.dropTable("wallet_tiers").execute();
  await db.schema.alterTable("orders").dropColumn("top_up_tier_id").execute();
  await db.schema.alterTable("orders").dropColumn("bonus_fen").execute();
  await db.schema.alterTable("orders").dropColumn("kind").execute();
}
