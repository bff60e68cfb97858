import type { Executor } from "../db/executor.ts";
import { findOrderById } from "../db/orders-repo.ts";
import type { OrderSnapshot } from "../domain/events.ts";
import { loadOrderView } from "./order-view.ts";

/**
 * The order as an event carries it (domain/events.ts), read in the transaction that changed
 * it, after the change: the state the event reports, whatever happens later.
 */
export async function orderSnapshot(trx: Executor, orderId: string): Promise<OrderSnapshot> {
  const order = await findOrderById(trx, orderId);
  if (!order) throw new Error(`order ${orderId} vanished inside its own transaction`);
  return { ...(await loadOrderView(trx, order)), userId: order.userId };
}
