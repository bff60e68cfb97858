import { closeOrder } from "../app/close-order.ts";
import { findOrderById } from "../db/orders-repo.ts";
import type { JobHandler } from "./job-handler.ts";

const RETRY_MS = 60_000;

/**
 * Expiry (product.md step 7): at time_expire an unpaid order is closed at WeChat Pay, then
 * here, and its stock released; if WeChat Pay says it was paid after all, it becomes PAID.
 */
export const orderExpireJob: JobHandler<"order.expire"> = async (deps, { orderId }) => {
  const order = await findOrderById(deps.db, orderId);
  if (!order || (order.status !== "PENDING" && order.status !== "CLOSING")) return { kind: "done" };
  if (order.status === "PENDING" && deps.clock.now() < order.expiresAt) {
    return { kind: "again", runAt: order.expiresAt, note: "not yet expired" };
  }
  const status = await closeOrder(deps, order, "expire");
  if (status === "CLOSED" || status === "PAID") return { kind: "done" };
  return { kind: "again", runAt: deps.clock.now() + RETRY_MS, note: `still ${status}` };
};
