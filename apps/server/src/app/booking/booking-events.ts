import { findBooking } from "../../db/bookings-repo.ts";
import { appendOutboxEvent } from "../../db/events-repo.ts";
import type { Executor } from "../../db/executor.ts";
import { makeId } from "../../domain/ids.ts";
import type { AppDeps } from "../deps.ts";
import { orderSnapshot } from "../order-snapshot.ts";
import { viewBookingForMerchant } from "./views.ts";

/**
 * A booking event (domain/events.ts), written in the transaction of the change it reports,
 * with the booking and its order as they are right after it; webhooks deliver it.
 */
export async function appendBookingEvent(
  deps: Pick<AppDeps, "ids">,
  trx: Executor,
  type: "booking.confirmed" | "booking.checked_in" | "booking.cancelled",
  orderId: string,
  now: number,
): Promise<void> {
  const booking = await findBooking(trx, orderId);
  if (!booking) throw new Error(`booking ${orderId} vanished inside its own transaction`);
  await appendOutboxEvent(trx, {
    id: makeId("event", deps.ids),
    appId: booking.appId,
    type,
    aggregateId: orderId,
    payload: { orderId, booking: viewBookingForMerchant(booking), order: await orderSnapshot(trx, orderId) },
    now,
  });
}
