import { findBooking, holdSeatsAgain, moveBooking, releaseSeats } from "../../db/bookings-repo.ts";
import type { Executor } from "../../db/executor.ts";
import { type Booking, type BookingEvent, seatChangeOf } from "../../domain/booking/booking.ts";
import type { IdSource } from "../../domain/ids.ts";
import type { Order } from "../../domain/order.ts";
import { scheduleJobOf } from "../jobs.ts";
import { appendBookingEvent } from "./booking-events.ts";

/**
 * What a booking order's moves do to its booking (app/order-kinds.ts calls these in the
 * transaction that moves the order), so the seats and the order never disagree:
 * - closed unpaid: the booking is RELEASED and its seats go back, as a purchase's stock does;
 * - paid: the booking is CONFIRMED, and `booking.confirmed` tells the merchant (just before
 *   the move's `order.paid`, as `tip.paid` is). A payment that lands after the close (the
 *   channel is the truth) takes its seats again if they are still free; if they are gone, or
 *   the slot was cancelled meanwhile, the booking is cancelled and refunded in full by a job
 *   (which sends `booking.cancelled`, never `booking.confirmed`), so the slot is never
 *   overbooked and the payer never pays for nothing.
 */
export async function bookingOrderClosed(trx: Executor, order: Order, now: number): Promise<void> {
  await moveAndSeat(trx, order.id, "closed", now);
}

export async function bookingOrderPaid(
  trx: Executor,
  order: { id: string },
  context: { now: number; ids: IdSource },
): Promise<void> {
  const { now } = context;
  const booking = await findBooking(trx, order.id);
  if (!booking) throw new Error(`booking order ${order.id} has no booking`);
  const slot = await trx
    .selectFrom("booking_slots")
    .select("status")
    .where("id", "=", booking.slotId)
    .executeTakeFirstOrThrow();
  let owesRefund = false;
  let confirmed = false;
  if (booking.status === "RELEASED") {
    const seated =
      slot.status !== "CANCELLED" &&
      (await holdSeatsAgain(trx, { slotId: booking.slotId, seats: booking.seats, now }));
    const to = await moveBooking(trx, { booking, event: seated ? "paid" : "paid_without_seat", now });
    owesRefund = !seated;
    confirmed = to === "CONFIRMED";
  } else {
    confirmed = (await moveBooking(trx, { booking, event: "paid", now })) === "CONFIRMED";
    if (slot.status === "CANCELLED" && (await moveAndSeat(trx, order.id, "slot_cancelled", now))) {
      owesRefund = true;
      confirmed = false;
    }
  }
  // Told once: the order's paid move is a compare-and-set, so this runs once per payment.
  if (confirmed) await appendBookingEvent(context, trx, "booking.confirmed", order.id, now);
  if (!owesRefund) return;
  await scheduleJobOf(
    { db: trx, ids: context.ids, clock: { now: () => now } },
    "booking.refund",
    { orderId: order.id },
    now,
  );
}

/**
 * A move by the booking's table, its seats given back when it stops holding them, in the
 * caller's transaction. Undefined: the event does not apply (or another writer moved it first).
 */
export async function moveAndSeat(
  trx: Executor,
  orderId: string,
  event: BookingEvent,
  now: number,
): Promise<Booking | undefined> {
  const booking = await findBooking(trx, orderId);
  if (!booking) return undefined;
  const to = await moveBooking(trx, { booking, event, now });
  if (!to) return undefined;
  const change = seatChangeOf(booking.status, to, booking.seats);
  // Only a payment takes seats back (bookingOrderPaid, with its own conditional hold).
  if (change > 0) throw new Error(`booking ${orderId}: "${event}" would take seats without a hold`);
  if (change < 0) await releaseSeats(trx, { slotId: booking.slotId, seats: -change, now });
  return { ...booking, status: to };
}
