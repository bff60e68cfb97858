import { findBooking, policyOfSlot } from "../../db/bookings-repo.ts";
import { inTransaction } from "../../db/transaction.ts";
import { refundFenFor, refundPercentAt } from "../../domain/booking/cancellation-policy.ts";
import { KassaError } from "../../domain/errors.ts";
import type { AppDeps } from "../deps.ts";
import { type BookedOrder, getBooking } from "./book-seats.ts";
import { appendBookingEvent } from "./booking-events.ts";
import { recordBookingRefund, submitRecorded } from "./booking-refunds.ts";
import { moveAndSeat } from "./order-rules.ts";

export type CancelledBooking = BookedOrder & {
  refund: { id: string; amountFen: number; refundPercent: number; status: string } | null;
};

/**
 * The payer cancels a paid booking before its slot starts: its seats go back, and the refund
 * the service's policy gives at this moment (percent of what was paid, rounded down to whole
 * fen) is recorded in the same transaction, then asked of WeChat Pay (or credited to the
 * wallet, if the wallet paid). A policy that gives 0 at this moment cancels without a refund.
 * An unpaid booking is cancelled as an order (POST /v1/orders/:id/cancel releases its seats).
 */
export async function cancelBooking(
  deps: AppDeps,
  input: { userId: string; orderId: string },
): Promise<CancelledBooking> {
  const { refund, refundPercent } = await inTransaction(deps.db, async (trx) => {
    const booking = await findBooking(trx, input.orderId);
    if (!booking || booking.userId !== input.userId) throw new KassaError("BOOKING_NOT_FOUND");
    const slot = await trx
      .selectFrom("booking_slots")
      .select("starts_at")
      .where("id", "=", booking.slotId)
      .executeTakeFirstOrThrow();
    const now = deps.clock.now();
    const startsAt = Number(slot.starts_at);
    const refused = () =>
      new KassaError("BOOKING_NOT_CANCELLABLE", { status: booking.status, started: now >= startsAt });
    if (now >= startsAt) throw refused();
    const percent = refundPercentAt(await policyOfSlot(trx, booking.slotId), startsAt, now);
    if (!(await moveAndSeat(trx, booking.orderId, "cancelled_by_payer", now))) throw refused();
    const paid = Number(booking.unitPriceFen) * booking.seats;
    const reason = `booking cancelled ${percent === 100 ? "in time" : "late"}: ${percent}% back`;
    const recorded = await recordBookingRefund(deps, trx, booking, refundFenFor(paid, percent), reason);
    await appendBookingEvent(deps, trx, "booking.cancelled", booking.orderId, now);
    return { refund: recorded, refundPercent: percent };
  });
  const submitted = await submitRecorded(deps, refund);
  return {
    ...(await getBooking(deps, input)),
    refund: submitted
      ? { id: submitted.id, amountFen: submitted.amountFen, refundPercent, status: submitted.status }
      : null,
  };
}
