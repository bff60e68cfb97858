import { bookingsOwedRefund, moveSlot } from "../../db/bookings-repo.ts";
import type { Executor } from "../../db/executor.ts";
import type { AppDeps } from "../deps.ts";
import { scheduleJobOf } from "../jobs.ts";
import { foundSlot } from "./merchant-slots.ts";
import { type SlotView, viewSlot } from "./views.ts";

/**
 * The merchant cancels a whole slot: every paid booking is refunded in full, as one
 * idempotent operation that survives a crash halfway. One transaction marks the slot
 * CANCELLED (so nothing new is booked) and schedules one `booking.refund` job per booking
 * still owed a refund (deduplicated per booking); each job cancels its booking and records its
 * refund once (booking-refunds.ts). A crash before the commit left nothing; after it, the
 * jobs are rows that any worker runs, on any instance; a repeated cancel schedules only what
 * is still owed. Unpaid bookings keep their hold until their order closes (no later than the
 * start); one paid meanwhile is refunded in full as it lands (order-rules.ts).
 */
export async function cancelSlot(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; slotId: string },
): Promise<SlotView & { refundsScheduled: number }> {
  const now = deps.clock.now();
  await moveSlot(trx, { ...input, from: ["OPEN", "CLOSED"], to: "CANCELLED", now });
  const slot = await foundSlot(trx, input.appId, input.slotId);
  const owed = slot.status === "CANCELLED" ? await bookingsOwedRefund(trx, slot.id) : [];
  for (const orderId of owed) await scheduleJobOf({ ...deps, db: trx }, "booking.refund", { orderId }, now);
  return { ...viewSlot(slot), refundsScheduled: owed.length };
}
