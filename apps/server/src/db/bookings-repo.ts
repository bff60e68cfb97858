import type { Selectable } from "kysely";
import { sql } from "kysely";
import {
  type Booking,
  type BookingEvent,
  type BookingStatus,
  CAUSE_OF_EVENT,
  transitionBooking,
} from "../domain/booking/booking.ts";
import type { CancellationPolicy } from "../domain/booking/cancellation-policy.ts";
import type { Slot, SlotStatus } from "../domain/booking/slot.ts";
import type { Executor } from "./executor.ts";
import { type PagePosition, pageAfter } from "./keyset-page.ts";
import type { BookingServicesTable, BookingSlotsTable, BookingsTable } from "./schema.ts";

/**
 * Services, slots and bookings (migration 0014). Every merchant query names the key's app;
 * seats move only by conditional UPDATEs of the slot row, which the CHECK
 * `seats_held <= capacity` backs up, so no read-then-write can overbook a slot.
 */

export interface Service {
  id: string;
  appId: string;
  name: string;
  cancellationPolicy: CancellationPolicy;
  createdAt: number;
}

function toService(row: Selectable<BookingServicesTable>): Service {
  return {
    id: row.id,
    appId: row.app_id,
    name: row.name,
    cancellationPolicy: JSON.parse(row.cancellation_policy) as CancellationPolicy,
    createdAt: Number(row.created_at),
  };
}

export async function insertService(db: Executor, service: Service): Promise<void> {
  await db
    .insertInto("booking_services")
    .values({
      id: service.id,
      app_id: service.appId,
      name: service.name,
      cancellation_policy: JSON.stringify(service.cancellationPolicy),
      created_at: service.createdAt,
      updated_at: service.createdAt,
    })
    .execute();
}

export async function findService(
  db: Executor,
  appId: string,
  serviceId: string,
): Promise<Service | undefined> {
  const row = await db
    .selectFrom("booking_services")
    .selectAll()
    .where("app_id", "=", appId)
    .where("id", "=", serviceId)
    .executeTakeFirst();
  return row ? toService(row) : undefined;
}

/** The policy of the service a slot belongs to. */
export async function policyOfSlot(db: Executor, slotId: string): Promise<CancellationPolicy> {
  const row = await db
    .selectFrom("booking_slots")
    .innerJoin("booking_services", "booking_services.id", "booking_slots.service_id")
    .select("booking_services.cancellation_policy")
    .where("booking_slots.id", "=", slotId)
    .executeTakeFirstOrThrow();
  return JSON.parse(row.cancellation_policy) as CancellationPolicy;
}

export async function listServices(
  db: Executor,
  query: { appId: string; after: PagePosition | undefined; limit: number },
): Promise<Service[]> {
  const { after } = query;
  let rows = db.selectFrom("booking_services").selectAll().where("app_id", "=", query.appId);
  rows = pageAfter(rows, { sort: "created_at", id: "id" }, after);
  return (await rows.limit(query.limit).execute()).map(toService);
}

function toSlot(row: Selectable<BookingSlotsTable>): Slot {
  return {
    id: row.id,
    appId: row.app_id,
    serviceId: row.service_id,
    startsAt: Number(row.starts_at),
    endsAt: Number(row.ends_at),
    timeZone: row.time_zone,
    capacity: row.capacity,
    seatsHeld: row.seats_held,
    priceFen: Number(row.price_fen),
    status: row.status,
    createdAt: Number(row.created_at),
    cancelledAt: row.cancelled_at === null ? null : Number(row.cancelled_at),
  };
}

export async function insertSlot(db: Executor, slot: Slot): Promise<void> {
  await db
    .insertInto("booking_slots")
    .values({
      id: slot.id,
      app_id: slot.appId,
      service_id: slot.serviceId,
      starts_at: slot.startsAt,
      ends_at: slot.endsAt,
      time_zone: slot.timeZone,
      capacity: slot.capacity,
      seats_held: slot.seatsHeld,
      price_fen: slot.priceFen,
      status: slot.status,
      created_at: slot.createdAt,
      updated_at: slot.createdAt,
      cancelled_at: null,
    })
    .execute();
}

export async function findSlot(db: Executor, appId: string, slotId: string): Promise<Slot | undefined> {
  const row = await db
    .selectFrom("booking_slots")
    .selectAll()
    .where("app_id", "=", appId)
    .where("id", "=", slotId)
    .executeTakeFirst();
  return row ? toSlot(row) : undefined;
}

/** A service's slots by start time; `open` keeps only those still bookable at `now`. */
export async function listSlots(
  db: Executor,
  query: {
    appId: string;
    serviceId: string | undefined;
    open: { now: number } | undefined;
    after: PagePosition | undefined;
    limit: number;
  },
): Promise<Slot[]> {
  const { after, open } = query;
  let rows = db.selectFrom("booking_slots").selectAll().where("app_id", "=", query.appId);
  if (query.serviceId !== undefined) rows = rows.where("service_id", "=", query.serviceId);
  if (open) rows = rows.where("status", "=", "OPEN").where("starts_at", ">", open.now);
  rows = pageAfter(rows, { sort: "starts_at", id: "id" }, after);
  return (await rows.limit(query.limit).execute()).map(toSlot);
}

/**
 * Hold `seats` of a slot, in one conditional UPDATE: only an OPEN slot that has not started,
 * and only while `seats_held + seats <= capacity`. Concurrent bookers of the last seats queue
 * on the row; each sees what the one before committed. False: nothing was held.
 */
export async function holdSeats(
  db: Executor,
  change: { slotId: string; seats: number; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable("booking_slots")
    .set({ seats_held: sql`seats_held + ${change.seats}`, updated_at: change.now })
    .where("id", "=", change.slotId)
    .where("status", "=", "OPEN")
    .where("starts_at", ">", change.now)
    .where(sql<boolean>`seats_held + ${change.seats} <= capacity`)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Hold seats again for a booking paid after its order closed: whatever the slot's status
 * (the payment is taken; only room decides), still never above capacity.
 */
export async function holdSeatsAgain(
  db: Executor,
  change: { slotId: string; seats: number; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable("booking_slots")
    .set({ seats_held: sql`seats_held + ${change.seats}`, updated_at: change.now })
    .where("id", "=", change.slotId)
    .where("status", "!=", "CANCELLED")
    .where(sql<boolean>`seats_held + ${change.seats} <= capacity`)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function releaseSeats(
  db: Executor,
  change: { slotId: string; seats: number; now: number },
): Promise<void> {
  await db
    .updateTable("booking_slots")
    .set({ seats_held: sql`seats_held - ${change.seats}`, updated_at: change.now })
    .where("id", "=", change.slotId)
    .execute();
}

/** Capacity and price, never below the seats taken; a cancelled slot does not change. */
export async function changeSlot(
  db: Executor,
  change: {
    appId: string;
    slotId: string;
    capacity?: number | undefined;
    priceFen?: number | undefined;
    now: number;
  },
): Promise<Slot | undefined> {
  let update = db
    .updateTable("booking_slots")
    .set({
      ...(change.capacity !== undefined ? { capacity: change.capacity } : {}),
      ...(change.priceFen !== undefined ? { price_fen: change.priceFen } : {}),
      updated_at: change.now,
    })
    .where("app_id", "=", change.appId)
    .where("id", "=", change.slotId)
    .where("status", "!=", "CANCELLED");
  if (change.capacity !== undefined) update = update.where("seats_held", "<=", change.capacity);
  const row = await update.returningAll().executeTakeFirst();
  return row ? toSlot(row) : undefined;
}

/** Compare-and-set of a slot's status: from one of `from` to `to`. */
export async function moveSlot(
  db: Executor,
  change: { appId: string; slotId: string; from: readonly SlotStatus[]; to: SlotStatus; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable("booking_slots")
    .set({
      status: change.to,
      updated_at: change.now,
      ...(change.to === "CANCELLED" ? { cancelled_at: change.now } : {}),
    })
    .where("app_id", "=", change.appId)
    .where("id", "=", change.slotId)
    .where("status", "in", change.from)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

function toBooking(row: Selectable<BookingsTable>): Booking {
  return {
    orderId: row.order_id,
    appId: row.app_id,
    slotId: row.slot_id,
    userId: row.user_id,
    seats: row.seats,
    unitPriceFen: Number(row.unit_price_fen),
    ticketCode: row.ticket_code,
    status: row.status,
    cancelCause: row.cancel_cause,
    refundId: row.refund_id,
    checkedInAt: row.checked_in_at === null ? null : Number(row.checked_in_at),
    cancelledAt: row.cancelled_at === null ? null : Number(row.cancelled_at),
    createdAt: Number(row.created_at),
  };
}

export async function insertBooking(db: Executor, booking: Booking): Promise<void> {
  await db
    .insertInto("bookings")
    .values({
      order_id: booking.orderId,
      app_id: booking.appId,
      slot_id: booking.slotId,
      user_id: booking.userId,
      seats: booking.seats,
      unit_price_fen: booking.unitPriceFen,
      ticket_code: booking.ticketCode,
      status: booking.status,
      cancel_cause: null,
      refund_id: null,
      checked_in_at: null,
      cancelled_at: null,
      created_at: booking.createdAt,
      updated_at: booking.createdAt,
    })
    .execute();
}

export async function findBooking(db: Executor, orderId: string): Promise<Booking | undefined> {
  const row = await db.selectFrom("bookings").selectAll().where("order_id", "=", orderId).executeTakeFirst();
  return row ? toBooking(row) : undefined;
}

export async function findBookingByTicket(
  db: Executor,
  appId: string,
  ticketCode: string,
): Promise<Booking | undefined> {
  const row = await db
    .selectFrom("bookings")
    .selectAll()
    .where("app_id", "=", appId)
    .where("ticket_code", "=", ticketCode)
    .executeTakeFirst();
  return row ? toBooking(row) : undefined;
}

/**
 * Move a booking by its table (domain/booking/booking.ts), as a compare-and-set on the status
 * it was read in: undefined when the event is not legal from there or another writer moved it
 * first, and nothing was written. The seats follow in the caller's transaction.
 */
export async function moveBooking(
  db: Executor,
  change: { booking: Booking; event: BookingEvent; now: number },
): Promise<BookingStatus | undefined> {
  const move = transitionBooking(change.booking.status, change.event);
  if (!move.ok) return undefined;
  const cause = CAUSE_OF_EVENT[change.event];
  const result = await db
    .updateTable("bookings")
    .set({
      status: move.to,
      updated_at: change.now,
      ...(cause ? { cancel_cause: cause, cancelled_at: change.now } : {}),
      ...(change.event === "checked_in" ? { checked_in_at: change.now } : {}),
    })
    .where("order_id", "=", change.booking.orderId)
    .where("status", "=", move.from)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n ? move.to : undefined;
}

/** The refund a cancellation made, set once: false when the booking has one already. */
export async function setBookingRefund(db: Executor, orderId: string, refundId: string): Promise<boolean> {
  const result = await db
    .updateTable("bookings")
    .set({ refund_id: refundId })
    .where("order_id", "=", orderId)
    .where("refund_id", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function listBookingsOfSlot(
  db: Executor,
  query: { slotId: string; after: PagePosition | undefined; limit: number },
): Promise<Booking[]> {
  const { after } = query;
  let rows = db.selectFrom("bookings").selectAll().where("slot_id", "=", query.slotId);
  rows = pageAfter(rows, { sort: "created_at", id: "order_id" }, after);
  return (await rows.limit(query.limit).execute()).map(toBooking);
}

/**
 * The bookings of a cancelled slot that still owe a refund: paid ones not yet cancelled, and
 * cancelled ones whose full refund was not recorded yet, unless nothing is left to refund of
 * their payment (the merchant refunded it already). A re-run of the cancellation, or a worker
 * after a crash, finds exactly what is left.
 */
export async function bookingsOwedRefund(db: Executor, slotId: string): Promise<string[]> {
  const rows = await db
    .selectFrom("bookings")
    .select("order_id")
    .where("slot_id", "=", slotId)
    .where((eb) =>
      eb.or([
        eb("status", "in", ["CONFIRMED", "CHECKED_IN"]),
        eb.and([
          eb("status", "=", "CANCELLED"),
          eb("refund_id", "is", null),
          eb("cancel_cause", "in", ["slot_cancelled", "no_seat"]),
          eb.not(
            eb.exists(
              eb
                .selectFrom("payment_refund_totals")
                .select("payment_refund_totals.order_id")
                .whereRef("payment_refund_totals.order_id", "=", "bookings.order_id")
                .whereRef("payment_refund_totals.reserved_fen", ">=", "payment_refund_totals.captured_fen"),
            ),
          ),
        ]),
      ]),
    )
    .orderBy("order_id")
    .execute();
  return rows.map((row) => row.order_id);
}
