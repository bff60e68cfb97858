import { findOrderForUser } from "../db/orders-repo.ts";
import { KassaError } from "../domain/errors.ts";
import { closeOrder } from "./close-order.ts";
import type { AppDeps } from "./deps.ts";
import { loadOrderView, type OrderView } from "./order-view.ts";

/**
 * The payer cancels: WeChat Pay closes first, then Kassa (product.md step 7). The answer is
 * the order's state afterwards: CLOSED, or CLOSING while the channel has not confirmed, or
 * PAID when the money had already moved.
 */
export async function cancelOrder(
  deps: AppDeps,
  input: { userId: string; orderId: string },
): Promise<OrderView> {
  const order = await findOrderForUser(deps.db, input.orderId, input.userId);
  if (!order) throw new KassaError("ORDER_NOT_FOUND");
  if (order.status === "PAID") throw new KassaError("ORDER_NOT_CANCELLABLE");
  await closeOrder(deps, order, "cancel");
  const latest = await findOrderForUser(deps.db, input.orderId, input.userId);
  if (!latest) throw new KassaError("ORDER_NOT_FOUND");
  return loadOrderView(deps.db, latest);
}
