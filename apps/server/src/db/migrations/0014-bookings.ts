import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * Bookings with time slots (issue 10; docs/scenarios.md "Booking").
 *
 * - `orders.kind` may also be `booking`. PostgreSQL replaces the column's CHECK; SQLite cannot
 *   change one, so the column (and `bonus_fen`, whose CHECK names it) is renamed aside, made
 *   again with the wider CHECK, filled from the old one, and the old one dropped (SQLite's
 *   documented ALTER TABLE steps; no table rebuild, so nothing that references orders moves).
 * - `booking_services`: what the merchant sells by the slot (a class, a table, a ticket
 *   type), with its cancellation policy as data (JSON, domain/booking/cancellation-policy.ts).
 * - `booking_slots`: one time slot of a service: start and end (epoch ms), the merchant's
 *   time zone, capacity, price per seat. `seats_held` counts the seats of every booking that
 *   holds some (unpaid, paid, checked in); the CHECK `seats_held <= capacity` is what makes
 *   an overbooking impossible, whatever the code above it read, on both databases.
 * - `bookings`: one per booking order (its primary key is the order's id): the slot, the
 *   seats, the price per seat when booked, the ticket code (unique, random), its status
 *   (domain/booking/booking.ts), when it was checked in, and the refund its cancellation made
 *   (unique: a booking is refunded at most once).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) return create(db);
  await db.transaction().execute((trx) => create(trx));
}

const KINDS = sql`kind in ('purchase', 'top_up', 'booking')`;

async function create(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table orders drop constraint orders_kind_check`.execute(db);
    await sql`alter table orders add constraint orders_kind_check check (${KINDS})`.execute(db);
  } else {
    await widenKindOnSqlite(db);
  }
  await db.schema
    .createTable("booking_services")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("name", "text", (c) => c.notNull().check(sql`length(name) > 0`))
    .addColumn("cancellation_policy", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("booking_services_app")
    .on("booking_services")
    .columns(["app_id", "created_at", "id"])
    .execute();
  await db.schema
    .createTable("booking_slots")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("service_id", "text", (c) => c.notNull().references("booking_services.id"))
    .addColumn("starts_at", "bigint", (c) => c.notNull())
    .addColumn("ends_at", "bigint", (c) => c.notNull())
    .addColumn("time_zone", "text", (c) => c.notNull())
    .addColumn("capacity", "integer", (c) => c.notNull())
    .addColumn("seats_held", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("price_fen", "bigint", (c) => c.notNull().check(sql`price_fen > 0`))
    .addColumn("status", "text", (c) => c.notNull().check(sql`status in ('OPEN', 'CLOSED', 'CANCELLED')`))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .addColumn("cancelled_at", "bigint")
    .addCheckConstraint(
      "booking_slots_seats_within_capacity",
      sql`seats_held >= 0 and seats_held <= capacity`,
    )
    .addCheckConstraint("booking_slots_ends_after_start", sql`ends_at > starts_at`)
    .execute();
  await db.schema
    .createIndex("booking_slots_service")
    .on("booking_slots")
    .columns(["service_id", "starts_at", "id"])
    .execute();
  await db.schema
    .createTable("bookings")
    .addColumn("order_id", "text", (c) => c.primaryKey().references("orders.id"))
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("slot_id", "text", (c) => c.notNull().references("booking_slots.id"))
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id"))
    .addColumn("seats", "integer", (c) => c.notNull().check(sql`seats > 0`))
    .addColumn("unit_price_fen", "bigint", (c) => c.notNull().check(sql`unit_price_fen > 0`))
    .addColumn("ticket_code", "text", (c) => c.notNull().unique())
    .addColumn("status", "text", (c) =>
      c.notNull().check(sql`status in ('HELD', 'RELEASED', 'CONFIRMED', 'CHECKED_IN', 'CANCELLED')`),
    )
    .addColumn("cancel_cause", "text", (c) =>
      c.check(sql`cancel_cause is null or cancel_cause in ('payer', 'slot_cancelled', 'no_seat')`),
    )
    .addColumn("refund_id", "text", (c) => c.unique().references("refunds.id"))
    .addColumn("checked_in_at", "bigint")
    .addColumn("cancelled_at", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("bookings_slot")
    .on("bookings")
    .columns(["slot_id", "created_at", "order_id"])
    .execute();
}

async function widenKindOnSqlite(db: Kysely<unknown>): Promise<void> {
  await sql`alter table orders rename column kind to kind_before_0014`.execute(db);
  await sql`alter table orders rename column bonus_fen to bonus_fen_before_0014`.execute(db);
  await sql`alter table orders add column kind text not null default 'purchase' check (${KINDS})`.execute(db);
  await sql`alter table orders add column bonus_fen bigint not null default 0 check (bonus_fen = 0 or (bonus_fen > 0 and kind = 'top_up'))`.execute(
    db,
  );
  await sql`update orders set kind = kind_before_0014, bonus_fen = bonus_fen_before_0014`.execute(db);
  await sql`alter table orders drop column bonus_fen_before_0014`.execute(db);
  await sql`alter table orders drop column kind_before_0014`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable("bookings").execute();
  await db.schema.dropTable("booking_slots").execute();
  await db.schema.dropTable("booking_services").execute();
  // orders.kind keeps its wider CHECK: narrowing it would refuse the booking orders kept.
}
