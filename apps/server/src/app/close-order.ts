import { ChannelError } from "../channels/payment-channel.ts";
import { crashPoint } from "../crash-point.ts";
import { appendOutboxEvent } from "../db/events-repo.ts";
import { findOrderById } from "../db/orders-repo.ts";
import { findPaymentOfOrder } from "../db/payments-repo.ts";
import { inTransaction } from "../db/transaction.ts";
import { makeId } from "../domain/ids.ts";
import type { Order, OrderStatus } from "../domain/order.ts";
import { type Payment, prepayMayBeInFlight } from "../domain/payment.ts";
import type { AppDeps } from "./deps.ts";
import { scheduleJobOf, scheduleOrderClose } from "./jobs.ts";
import { movePaymentAndOrder } from "./move-payment.ts";
import { ORDER_KIND_RULES } from "./order-kinds.ts";
import { orderSnapshot } from "./order-snapshot.ts";
import { syncPaymentWithChannel } from "./sync-payment.ts";

const RETRY_CLOSE_MS = 60_000;

/**
 * Close an unpaid order, the channel first (product.md step 7): record the intent (its
 * payment and the order CLOSING), close the payment at the channel, then query to learn the
 * truth, and only then close here and release the stock. If the channel says paid, the
 * order becomes PAID, never CLOSED. A channel failure leaves it CLOSING with a retry
 * scheduled; nothing is released early.
 */
export async function closeOrder(
  deps: AppDeps,
  order: Order,
  reason: "cancel" | "expire",
): Promise<OrderStatus> {
  let payment = await livePayment(deps, order);
  if (payment.status === "PENDING") {
    const now = deps.clock.now();
    const started = await inTransaction(deps.db, (trx) =>
      movePaymentAndOrder(trx, { payment, event: "close_requested", now, deps }),
    );
    if (!started) return currentStatus(deps, order.id);
  } else if (payment.status !== "CLOSING") {
    return currentStatus(deps, order.id);
  }
  // Read again after CLOSING is written: no lease can be taken from here on (a lease needs
  // PENDING), so the one we see is the last one. While it is live, a prepay may still reach
  // the channel after our close, so the close waits; the pay call that holds the lease
  // closes the order itself when its prepay lands (closeLatePrepay), the retry covers a crash.
  payment = await livePayment(deps, order);
  if (payment.status !== "CLOSING") return currentStatus(deps, order.id);
  if (prepayMayBeInFlight(payment, deps.clock.now())) {
    const leaseEnds = (payment.prepayLeaseUntil ?? 0) + 1_000;
    await retryLater(deps, order.id, "a prepay may still be in flight", leaseEnds);
    return "CLOSING";
  }
  // Close, then query whatever the close answered: a refused close (ORDERPAID) or a lost
  // answer both leave the query as the only truth worth acting on (§5.3 "re-query").
  let closeProblem: string | undefined;
  try {
    await deps.apps.channelOf(payment).close(payment.outTradeNo);
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    closeProblem = error.message;
  }
  if (reason === "expire") crashPoint("expire.closed");
  try {
    const truth = await syncPaymentWithChannel(deps, payment, `close:${reason}`);
    if (truth.state === "closed" || truth.state === "not_found") await finishClose(deps, payment, reason);
    else if (truth.state === "unpaid")
      await retryLater(deps, order.id, closeProblem ?? "the channel still reports it unpaid");
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    await retryLater(deps, order.id, error.message);
  }
  return currentStatus(deps, order.id);
}

/**
 * A prepay answered after its payment stopped being payable (savePrepay refused it): the
 * channel now knows a payment that Kassa will never hand out. It must be closed there too
 * (issue 7). While CLOSING, the ordinary close does it now that the lease is free; a payment
 * already CLOSED (its lease had lapsed) is closed at the channel again, by a job if the
 * channel cannot be reached now.
 */
export async function closeLatePrepay(deps: AppDeps, orderId: string): Promise<void> {
  const order = await findOrderById(deps.db, orderId);
  if (!order) return;
  const payment = await livePayment(deps, order);
  if (payment.status === "CLOSING")
    await closeOrder(deps, order, deps.clock.now() >= order.expiresAt ? "expire" : "cancel");
  if (payment.status !== "CLOSED") return;
  try {
    await closeAgainAtChannel(deps, payment);
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    await scheduleJobOf(deps, "order.close_again", { orderId: order.id }, deps.clock.now() + 5_000);
  }
}

/** Close a locally CLOSED payment at the channel; a payment found paid there still stands. */
export async function closeAgainAtChannel(deps: AppDeps, payment: Payment): Promise<void> {
  try {
    await deps.apps.channelOf(payment).close(payment.outTradeNo);
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    // ORDERPAID or a lost answer: the query below is the truth either way (§5.3).
  }
  await syncPaymentWithChannel(deps, payment, "close-again");
}

export async function livePayment(deps: AppDeps, order: Order): Promise<Payment> {
  const payment = await findPaymentOfOrder(deps.db, order.id);
  if (!payment) throw new Error(`order ${order.id} has no payment`);
  return payment;
}

async function finishClose(deps: AppDeps, payment: Payment, reason: "cancel" | "expire"): Promise<void> {
  await inTransaction(deps.db, async (trx) => {
    const now = deps.clock.now();
    // The compare-and-set makes the release happen once, whoever closes first.
    if (!(await movePaymentAndOrder(trx, { payment, event: "closed_at_channel", now, deps }))) return;
    const order = await findOrderById(trx, payment.orderId);
    // Stock for a purchase, seats for a booking (order-kinds.ts).
    if (order) await ORDER_KIND_RULES[order.kind].closed(trx, order, now);
    await appendOutboxEvent(trx, {
      id: makeId("event", deps.ids),
      appId: payment.appId,
      type: "order.closed",
      aggregateId: payment.orderId,
      payload: { orderId: payment.orderId, reason, order: await orderSnapshot(trx, payment.orderId) },
      now,
    });
  });
}

async function retryLater(deps: AppDeps, orderId: string, why: string, runAt?: number): Promise<void> {
  deps.log.warn({ orderId, why }, "close not finished; retrying later");
  await scheduleOrderClose(deps, orderId, runAt ?? deps.clock.now() + RETRY_CLOSE_MS);
}

async function currentStatus(deps: AppDeps, orderId: string): Promise<OrderStatus> {
  return (await findOrderById(deps.db, orderId))?.status ?? "CLOSED";
}
