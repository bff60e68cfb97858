import { ChannelError } from "../channels/payment-channel.ts";
import { appendOutboxEvent } from "../db/events-repo.ts";
import { scheduleJob } from "../db/jobs-repo.ts";
import { findOrderById, transitionOrder } from "../db/orders-repo.ts";
import { releaseStock } from "../db/products-repo.ts";
import { makeId } from "../domain/ids.ts";
import type { Order, OrderStatus } from "../domain/order.ts";
import type { AppDeps } from "./deps.ts";
import { syncOrderWithChannel } from "./sync-order.ts";

const RETRY_CLOSE_MS = 60_000;

/**
 * Close an unpaid order, WeChat Pay first (product.md step 7): record the intent (CLOSING),
 * close at the channel, then query to learn the truth, and only then close here and release
 * the stock. If the channel says paid, the order becomes PAID, never CLOSED. A channel
 * failure leaves the order CLOSING with a retry scheduled; nothing is released early.
 */
export async function closeOrder(
  deps: AppDeps,
  order: Order,
  reason: "cancel" | "expire",
): Promise<OrderStatus> {
  if (order.status === "PENDING") {
    const moved = await transitionOrder(deps.db, {
      orderId: order.id,
      from: "PENDING",
      to: "CLOSING",
      now: deps.clock.now(),
    });
    if (!moved) return currentStatus(deps, order.id);
  } else if (order.status !== "CLOSING") {
    return order.status;
  }
  // Close, then query whatever the close answered: a refused close (ORDERPAID) or a lost
  // answer both leave the query as the only truth worth acting on (§5.3 "re-query").
  let closeProblem: string | undefined;
  try {
    await deps.channel.close(order.outTradeNo);
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    closeProblem = error.message;
  }
  try {
    const truth = await syncOrderWithChannel(deps, order, `close:${reason}`);
    if (truth.state === "closed" || truth.state === "not_found") await finishClose(deps, order, reason);
    else if (truth.state === "unpaid")
      await retryLater(deps, order.id, closeProblem ?? "the channel still reports it unpaid");
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    await retryLater(deps, order.id, error.message);
  }
  return currentStatus(deps, order.id);
}

async function finishClose(deps: AppDeps, order: Order, reason: string): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    const now = deps.clock.now();
    // The compare-and-set makes the release happen once, whoever closes first.
    if (!(await transitionOrder(trx, { orderId: order.id, from: "CLOSING", to: "CLOSED", now }))) return;
    for (const line of order.lines) await releaseStock(trx, line.productId, line.quantity);
    await appendOutboxEvent(trx, {
      id: makeId("event", deps.ids),
      type: "order.closed",
      aggregateId: order.id,
      payload: { orderId: order.id, reason },
      now,
    });
  });
}

async function retryLater(deps: AppDeps, orderId: string, why: string): Promise<void> {
  deps.log.warn({ orderId, why }, "close not finished; retrying later");
  const now = deps.clock.now();
  await scheduleJob(deps.db, {
    id: makeId("job", deps.ids),
    kind: "order.expire",
    dedupeKey: `expire:${orderId}`,
    payload: { orderId },
    runAt: now + RETRY_CLOSE_MS,
    now,
  });
}

async function currentStatus(deps: AppDeps, orderId: string): Promise<OrderStatus> {
  return (await findOrderById(deps.db, orderId))?.status ?? "CLOSED";
}
