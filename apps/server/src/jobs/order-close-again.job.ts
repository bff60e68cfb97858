import { closeAgainAtChannel } from "../app/close-order.ts";
import { findOrderById } from "../db/orders-repo.ts";
import type { JobHandler } from "./job-handler.ts";
import { orderIdOf } from "./job-handler.ts";

/**
 * Close at the channel an order that is already CLOSED here, because a prepay for it landed
 * after the close (app/close-order.ts closeLatePrepay). A failure is thrown and retried by
 * the worker with backoff.
 */
export const orderCloseAgainJob: JobHandler = async (deps, job) => {
  const order = await findOrderById(deps.db, orderIdOf(job));
  if (order?.status === "CLOSED") await closeAgainAtChannel(deps, order);
  return { kind: "done" };
};
