import { refundBookingInFull } from "../app/booking/booking-refunds.ts";
import type { JobHandler } from "./job-handler.ts";

/**
 * One booking's full refund (a cancelled slot's, or a payment that found no seat): safe to
 * run again, it refunds a booking at most once (booking-refunds.ts).
 */
export const bookingRefundJob: JobHandler<"booking.refund"> = async (deps, { orderId }) => {
  await refundBookingInFull(deps, orderId);
  return { kind: "done" };
};
