import { findBooking, setBookingRefund } from "../../db/bookings-repo.ts";
import type { Executor } from "../../db/executor.ts";
import { findPaymentOfOrder } from "../../db/payments-repo.ts";
import { refundTotalsOf } from "../../db/refunds-repo.ts";
import { inTransaction } from "../../db/transaction.ts";
import { isExternalChannel } from "../../domain/payment.ts";
import type { Refund } from "../../domain/refund.ts";
import type { AppDeps } from "../deps.ts";
import { recordRefundIntent } from "../request-refund.ts";
import { submitRefund } from "../submit-refund.ts";
import { appendBookingEvent } from "./booking-events.ts";
import { moveAndSeat } from "./order-rules.ts";

/**
 * A booking's refunds go through the refunds module (request-refund.ts), whatever paid it:
 * WeChat Pay's money back through WeChat Pay, the wallet's back to the wallet. The refund is
 * recorded in the transaction that cancels the booking and written onto it (once: a second
 * writer's `setBookingRefund` fails and its transaction rolls back), then the channel is asked
 * with no transaction open; a crash between the two is finished by the refund's own
 * query-back job, under the same out_refund_no.
 */
export async function recordBookingRefund(
  deps: AppDeps,
  trx: Executor,
  booking: { orderId: string; appId: string },
  amountFen: number,
  reason: string,
): Promise<Refund | undefined> {
  const refundable = Math.min(amountFen, await refundableFen(trx, booking.orderId));
  if (refundable <= 0) return undefined;
  const refund = await recordRefundIntent(deps, trx, {
    appId: booking.appId,
    orderId: booking.orderId,
    amountFen: refundable,
    reason,
    returnStock: false,
  });
  if (!(await setBookingRefund(trx, booking.orderId, refund.id)))
    throw new Error(`booking ${booking.orderId} was refunded by another writer meanwhile`);
  return refund;
}

/** What is left to refund of the order's payment: captured less every refund not CLOSED. */
async function refundableFen(trx: Executor, orderId: string): Promise<number> {
  const payment = await findPaymentOfOrder(trx, orderId);
  if (payment?.status !== "PAID") return 0;
  const totals = await refundTotalsOf(trx, payment.id);
  return totals ? totals.capturedFen - totals.reservedFen : payment.amountFen;
}

/** Ask the channel for a refund just recorded; a wallet's succeeded in its own transaction. */
export async function submitRecorded(deps: AppDeps, refund: Refund | undefined): Promise<Refund | undefined> {
  if (!refund || !isExternalChannel(refund.channel) || refund.status !== "PROCESSING") return refund;
  return submitRefund(deps, refund);
}

/**
 * Refund one booking in full, exactly once: a paid booking of a cancelled slot (cancelled
 * here, its seats back), or one already cancelled because its payment found no seat. A
 * booking refunded already, or with nothing owed, is left alone, so the job may run any
 * number of times (a worker that died after the work runs it again).
 */
export async function recordFullRefund(deps: AppDeps, orderId: string): Promise<Refund | undefined> {
  return inTransaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    const booking = await findBooking(trx, orderId);
    if (!booking || booking.refundId !== null) return undefined;
    const stillPaid = booking.status === "CONFIRMED" || booking.status === "CHECKED_IN";
    if (stillPaid) {
      if (!(await moveAndSeat(trx, orderId, "slot_cancelled", now))) return undefined;
    } else if (
      booking.status !== "CANCELLED" ||
      (booking.cancelCause !== "slot_cancelled" && booking.cancelCause !== "no_seat")
    ) {
      return undefined;
    }
    const order = await trx
      .selectFrom("orders")
      .select("amount_fen")
      .where("id", "=", orderId)
      .executeTakeFirstOrThrow();
    const reason =
      booking.cancelCause === "no_seat" ? "booking paid after its seats were gone" : "slot cancelled";
    const refund = await recordBookingRefund(deps, trx, booking, Number(order.amount_fen), reason);
    // Told once: with its refund, in the transaction that cancels it (or, paid late, refunds it);
    // a booking the merchant had refunded wholly already is cancelled without one.
    if (refund || stillPaid) await appendBookingEvent(deps, trx, "booking.cancelled", orderId, now);
    return refund;
  });
}

export async function refundBookingInFull(deps: AppDeps, orderId: string): Promise<Refund | undefined> {
  return submitRecorded(deps, await recordFullRefund(deps, orderId));
}
