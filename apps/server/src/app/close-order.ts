import { ChannelError } from "../channels/payment-channel.ts";
import { appendOutboxEvent } from "../db/events-repo.ts";
import { scheduleJob } from "../db/jobs-repo.ts";
import { findOrderById, transitionOrder } from "../db/orders-repo.ts";
import { releaseStock } from "../db/products-repo.ts";
import { inTransaction } from "../db/transaction.ts";
import { makeId } from "../domain/ids.ts";
import { type Order, type OrderStatus, prepayMayBeInFlight } from "../domain/order.ts";
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
  // Read again after CLOSING is written: no lease can be taken from here on (a lease needs
  // PENDING), so the one we see is the last one. While it is live, a prepay may still reach
  // WeChat Pay after our close, so the close waits; the pay call that holds the lease closes
  // the order itself when its prepay lands (closeLatePrepay), and the retry covers a crash.
  const closing = await findOrderById(deps.db, order.id);
  if (closing?.status !== "CLOSING") return closing?.status ?? "CLOSED";
  if (prepayMayBeInFlight(closing, deps.clock.now())) {
    await retryLater(
      deps,
      order.id,
      "a prepay may still be in flight",
      (closing.prepayLeaseUntil ?? 0) + 1_000,
    );
    return "CLOSING";
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

/**
 * A prepay answered after its order stopped being payable (savePrepay refused it): WeChat
 * Pay now knows an order that Kassa will never hand out. It must be closed there too
 * (issue 7). While CLOSING, the ordinary close does it now that the lease is free; an order
 * already CLOSED (its lease had lapsed) is closed at the channel again, by a job if the
 * channel cannot be reached now.
 */
export async function closeLatePrepay(deps: AppDeps, orderId: string): Promise<void> {
  const order = await findOrderById(deps.db, orderId);
  if (order?.status === "CLOSING")
    await closeOrder(deps, order, deps.clock.now() >= order.expiresAt ? "expire" : "cancel");
  if (order?.status !== "CLOSED") return;
  try {
    await closeAgainAtChannel(deps, order);
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    const now = deps.clock.now();
    await scheduleJob(deps.db, {
      id: makeId("job", deps.ids),
      kind: "order.close_again",
      dedupeKey: `close_again:${order.id}`,
      payload: { orderId: order.id },
      runAt: now + 5_000,
      now,
    });
  }
}

/** Close a locally CLOSED order at the channel; a payment found there still stands (PAID). */
export async function closeAgainAtChannel(deps: AppDeps, order: Order): Promise<void> {
  try {
    await deps.channel.close(order.outTradeNo);
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    // ORDERPAID or a lost answer: the query below is the truth either way (§5.3).
  }
  await syncOrderWithChannel(deps, order, "close-again");
}

async function finishClose(deps: AppDeps, order: Order, reason: string): Promise<void> {
  await inTransaction(deps.db, async (trx) => {
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

async function retryLater(deps: AppDeps, orderId: string, why: string, runAt?: number): Promise<void> {
  deps.log.warn({ orderId, why }, "close not finished; retrying later");
  const now = deps.clock.now();
  await scheduleJob(deps.db, {
    id: makeId("job", deps.ids),
    kind: "order.expire",
    dedupeKey: `expire:${orderId}`,
    payload: { orderId },
    runAt: runAt ?? now + RETRY_CLOSE_MS,
    now,
  });
}

async function currentStatus(deps: AppDeps, orderId: string): Promise<OrderStatus> {
  return (await findOrderById(deps.db, orderId))?.status ?? "CLOSED";
}
