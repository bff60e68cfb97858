import { ChannelError } from "../channels/payment-channel.ts";
import { findOrderById, findOrderForUser } from "../db/orders-repo.ts";
import { KassaError } from "../domain/errors.ts";
import type { Order } from "../domain/order.ts";
import { livePayment } from "./close-order.ts";
import type { AppDeps } from "./deps.ts";
import { scheduleOrderQuery } from "./jobs.ts";
import { loadOrderView, type OrderView } from "./order-view.ts";
import { syncPaymentWithChannel } from "./sync-payment.ts";

const POLL_MS = 500;
/**
 * Channel queries that confirm may spend on one order per minute, over every caller and
 * (with Redis) every instance: each query is a call against the merchant's WeChat Pay API
 * quota (issue 7: 50 confirms made 300 queries in 3 s). Past it, confirm answers with what
 * Kassa knows, and the query-back job keeps asking.
 */
export const CONFIRM_QUERIES_PER_ORDER_PER_MINUTE = 10;

/**
 * Step 4 of product.md: the mini program says wx.requestPayment finished. That is only a
 * hint (§7.1 "Do not trust the client result"): Kassa asks WeChat Pay itself when it has not
 * been told, waits a bounded time, and answers with the order's real state. Concurrent
 * confirms of one order share one wait (single flight).
 */
export async function confirmOrder(
  deps: AppDeps,
  input: { userId: string; orderId: string },
): Promise<OrderView> {
  const order = await findOrderForUser(deps.db, input.orderId, input.userId);
  if (!order) throw new KassaError("ORDER_NOT_FOUND");
  if (isUnsettled(order))
    await deps.flights.run(`confirm:${order.id}`, () => waitForTheChannelsWord(deps, order));
  const latest = (await findOrderForUser(deps.db, input.orderId, input.userId)) ?? order;
  if (latest.status === "PENDING") await scheduleOrderQuery(deps, latest.id, 5_000);
  return loadOrderView(deps.db, latest);
}

async function waitForTheChannelsWord(deps: AppDeps, first: Order): Promise<void> {
  const deadline = deps.clock.now() + deps.settings.confirmWaitMs;
  let order = first;
  while (isUnsettled(order) && (await withinQueryBudget(deps, order.id))) {
    try {
      const truth = await syncPaymentWithChannel(deps, await livePayment(deps, order), "confirm");
      if (truth.state !== "unpaid") return;
    } catch (error) {
      if (!(error instanceof ChannelError)) throw error;
      return; // the query-back job keeps asking
    }
    if (deps.clock.now() + POLL_MS > deadline) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    order = (await findOrderById(deps.db, order.id)) ?? order;
  }
}

function isUnsettled(order: Order): boolean {
  return order.status === "PENDING" || order.status === "CLOSING";
}

async function withinQueryBudget(deps: AppDeps, orderId: string): Promise<boolean> {
  try {
    const decision = await deps.limiter.hit(
      `confirm-query:${orderId}`,
      CONFIRM_QUERIES_PER_ORDER_PER_MINUTE,
      60_000,
    );
    return decision.allowed;
  } catch (error) {
    // The shared store is down: spend the query rather than leave the payer without an answer.
    deps.log.warn({ err: error, orderId }, "rate limiter unavailable; querying anyway");
    return true;
  }
}
