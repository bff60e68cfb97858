import { ChannelError } from "../channels/payment-channel.ts";
import { findOrderForUser } from "../db/orders-repo.ts";
import { KassaError } from "../domain/errors.ts";
import type { AppDeps } from "./deps.ts";
import { type OrderView, viewOrder } from "./order-view.ts";
import { scheduleQuery } from "./pay-order.ts";
import { syncOrderWithChannel } from "./sync-order.ts";

const POLL_MS = 500;

/**
 * Step 4 of product.md: the mini program says wx.requestPayment finished. That is only a
 * hint (§7.1 "Do not trust the client result"): Kassa asks WeChat Pay itself when it has not
 * been told, waits a bounded time, and answers with the order's real state.
 */
export async function confirmOrder(
  deps: AppDeps,
  input: { userId: string; orderId: string },
): Promise<OrderView> {
  const deadline = deps.clock.now() + deps.settings.confirmWaitMs;
  let order = await findOrderForUser(deps.db, input.orderId, input.userId);
  if (!order) throw new KassaError("ORDER_NOT_FOUND");
  while (order.status === "PENDING" || order.status === "CLOSING") {
    try {
      const truth = await syncOrderWithChannel(deps, order, "confirm");
      if (truth.state !== "unpaid") break;
    } catch (error) {
      if (!(error instanceof ChannelError)) throw error;
      break; // the query-back job below keeps asking
    }
    if (deps.clock.now() + POLL_MS > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    order = (await findOrderForUser(deps.db, input.orderId, input.userId)) ?? order;
  }
  const latest = (await findOrderForUser(deps.db, input.orderId, input.userId)) ?? order;
  if (latest.status === "PENDING") await scheduleQuery(deps, latest.id, 5_000);
  return viewOrder(latest);
}
