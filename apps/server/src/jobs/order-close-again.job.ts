import { closeAgainAtChannel } from "../app/close-order.ts";
import { findPaymentOfOrder } from "../db/payments-repo.ts";
import type { JobHandler } from "./job-handler.ts";

/**
 * Close at the channel a payment that is already CLOSED here, because a prepay for it landed
 * after the close (app/close-order.ts closeLatePrepay). A failure is thrown and retried by
 * the worker with backoff.
 */
export const orderCloseAgainJob: JobHandler<"order.close_again"> = async (deps, { orderId }) => {
  const payment = await findPaymentOfOrder(deps.db, orderId);
  if (payment?.status === "CLOSED") await closeAgainAtChannel(deps, payment);
  return { kind: "done" };
};
