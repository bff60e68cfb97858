import { findBookingByTicket } from "../../db/bookings-repo.ts";
import type { Executor } from "../../db/executor.ts";
import { KassaError } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import { appendBookingEvent } from "./booking-events.ts";
import { moveAndSeat } from "./order-rules.ts";
import { type BookingView, viewBookingForMerchant } from "./views.ts";

/**
 * The merchant verifies a ticket at the door: a paid booking is CHECKED_IN, once (the move is a
 * compare-and-set, so two doors scanning the same ticket at once admit it once). A second
 * check-in is refused with the time of the first; an unpaid or cancelled ticket admits nobody.
 */
export async function checkIn(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; ticketCode: string },
): Promise<BookingView & { userId: string }> {
  const booking = await findBookingByTicket(trx, input.appId, input.ticketCode);
  if (!booking) throw new KassaError("BOOKING_NOT_FOUND");
  const now = deps.clock.now();
  const moved =
    booking.status === "CONFIRMED" ? await moveAndSeat(trx, booking.orderId, "checked_in", now) : undefined;
  // The time written is the one answered, and the one a second check-in is refused with.
  if (moved) {
    await appendBookingEvent(deps, trx, "booking.checked_in", booking.orderId, now);
    return viewBookingForMerchant({ ...moved, checkedInAt: now });
  }
  const current = (await findBookingByTicket(trx, input.appId, input.ticketCode)) ?? booking;
  if (current.checkedInAt !== null)
    throw new KassaError("BOOKING_ALREADY_CHECKED_IN", {
      checkedInAt: new Date(current.checkedInAt).toISOString(),
    });
  throw new KassaError("BOOKING_NOT_ADMITTED", { status: current.status });
}
