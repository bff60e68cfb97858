import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Tipping (打赏, issue 10; docs/scenarios.md "Tipping").
 *
 * - `orders.kind` may also be `tip`: the CHECK is widened as 0014 widened it (PostgreSQL
 *   replaces the constraint; SQLite renames the two columns whose CHECKs name `kind` aside,
 *   adds them again with the wider CHECK, copies, drops the old ones).
 * - `tip_recipients`: whom a payer can tip (a creator, a staff member), with the tipping rules
 *   as columns: preset amounts (JSON), the least and most per tip, a daily cap per payer, the
 *   time zone whose calendar day the cap counts, and whether tips are taken now.
 * - `tips`: one per tip order (its primary key is the order's id): the recipient, the amount,
 *   the payer's message as plain text, the day it counts on, its status (domain/tip/tip.ts).
 * - `tip_daily_totals`: per recipient, payer and day, what the payer's pending and paid tips
 *   add up to. A tip takes its part by one conditional upsert (`held_fen + amount <= cap`),
 *   which concurrent tips of one payer queue on, so the cap holds on both databases whatever
 *   the code above it read.
 * - `tip_payouts`: what the merchant paid a recipient outside Kassa; each is a ledger entry
 *   (cause `tip_payout`) debiting the recipient's payable account `tips:<recipientId>`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) return create(db);
  await db.transaction().execute((trx) => create(trx));
}

const KINDS = sql`kind in ('purchase', 'top_up', 'booking', 'tip')`;

async function create(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table orders drop constraint orders_kind_check`.execute(db);
    await sql`alter table orders add constraint orders_kind_check check (${KINDS})`.execute(db);
  } else {
    await widenKindOnSqlite(db);
  }
  await db.schema
    .createTable("tip_recipients")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("name", "text", (c) => c.notNull().check(sql`length(name) > 0`))
    .addColumn("preset_amounts", "text", (c) => c.notNull())
    .addColumn("min_fen", "bigint", (c) => c.notNull().check(sql`min_fen > 0`))
    .addColumn("max_fen", "bigint", (c) => c.notNull())
    .addColumn("daily_cap_fen", "bigint", (c) => c.notNull())
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("active", "integer", (c) => c.notNull().check(sql`active in (0, 1)`))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addCheckConstraint("tip_recipients_bounds", sql`max_fen >= min_fen and daily_cap_fen >= min_fen`)
    .execute();
  await db.schema
    .createIndex("tip_recipients_app")
    .on("tip_recipients")
    .columns(["app_id", "created_at", "id"])
    .execute();
  await db.schema
    .createTable("tips")
    .addColumn("order_id", "text", (c) => c.primaryKey().references("orders.id"))
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("recipient_id", "text", (c) => c.notNull().references("tip_recipients.id"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn("message", "text")
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('PENDING', 'RELEASED', 'PAID')`))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("tips_recipient")
    .on("tips")
    .columns(["recipient_id", "created_at", "order_id"])
    .execute();
  await db.schema
    .createTable("tip_daily_totals")
    .addColumn("recipient_id", "text", (c) => c.notNull().references("tip_recipients.id"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("day", "text", (c) => c.notNull())
    .addColumn("held_fen", "bigint", (c) => c.notNull().check(sql`held_fen >= 0`))
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("tip_daily_totals_pk", ["recipient_id", "user_id", "day"])
    .execute();
  await db.schema
    .createTable("tip_payouts")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("recipient_id", "text", (c) => c.notNull().references("tip_recipients.id"))
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen > 0`))
    .addColumn("reference", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("tip_payouts_recipient")
    .on("tip_payouts")
    .columns(["recipient_id", "created_at", "id"])
    .execute();
}

async function widenKindOnSqlite(db: Kysely<unknown>): Promise<void> {
  await sql`alter table orders rename column kind to kind_before_0017`.execute(db);
  await sql`alter table orders rename column bonus_fen to bonus_fen_before_0017`.execute(db);
  await sql`alter table orders add column kind text not null default 'purchase' check (${KINDS})`.execute(db);
  await sql`alter table orders add column bonus_fen bigint not null default 0 check (bonus_fen = 0 or (bonus_fen > 0 and kind = 'top_up'))`.execute(
    db,
  );
  await sql`update orders set kind = kind_before_0017, bonus_fen = bonus_fen_before_0017`.execute(db);
  await sql`alter table orders drop column bonus_fen_before_0017`.execute(db);
  await sql`alter table orders drop column kind_before_0017`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("tip_payouts").execute();
  await db.schema.dropTable("tip_daily_totals").execute();
  await db.schema.dropTable("tips").execute();
  await db.schema.dropTable("tip_recipients").execute();
  // orders.kind keeps its wider CHECK: narrowing it would refuse the tip orders kept.
}
