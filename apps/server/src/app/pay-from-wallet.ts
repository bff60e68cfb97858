import { appendOutboxEvent } from "../db/events-repo.ts";
import type { Executor } from "../db/executor.ts";
import { findOrderForUser } from "../db/orders-repo.ts";
import { findPaymentOfOrder, insertPayment } from "../db/payments-repo.ts";
import { inTransaction } from "../db/transaction.ts";
import { KassaError } from "../domain/errors.ts";
import { makeId } from "../domain/ids.ts";
import { type Payment, prepayMayBeInFlight } from "../domain/payment.ts";
import type { AppDeps } from "./deps.ts";
import { movePaymentAndOrder } from "./move-payment.ts";
import { orderSnapshot } from "./order-snapshot.ts";
import { loadOrderView, type OrderView } from "./order-view.ts";

/**
 * Pay a purchase from the payer's wallet (issue 9 §3): one transaction, no channel call.
 * The order's WeChat Pay payment, which never reached WeChat Pay (no prepay, none in flight),
 * is closed through its table (CLOSING, then CLOSED: the channel never knew it); a `wallet`
 * payment is made and moved to PAID, the order with it, and the move books `wallet_paid`
 * (move-payment.ts). A balance too low is refused by the ledger's CHECK, not by a read here:
 * WALLET_INSUFFICIENT_FUNDS, and everything rolls back, the order still PENDING and payable.
 *
 * Lock order: the order's payment row (the first move), the order row, then the ledger's
 * head and the wallet account (bookEntry), the order every paid move takes them in.
 */
export async function payFromWallet(
  deps: AppDeps,
  input: { userId: string; orderId: string },
): Promise<OrderView> {
  return inTransaction(deps.db, async (trx) => {
    const order = await findOrderForUser(trx, input.orderId, input.userId);
    if (!order) throw new KassaError("ORDER_NOT_FOUND");
    if (order.kind === "top_up") throw new KassaError("WALLET_PAYMENT_NOT_ALLOWED");
    const channelPayment = await findPaymentOfOrder(trx, order.id);
    const now = deps.clock.now();
    if (channelPayment?.status !== "PENDING" || now >= channelPayment.expiresAt)
      throw new KassaError("ORDER_NOT_PAYABLE", { status: order.status });
    refuseIfAtChannel(channelPayment, now);
    // CLOSING takes the payment's row lock and stops any new prepay lease (a lease needs
    // PENDING); read again under it, so a prepay that started meanwhile is seen.
    if (
      !(await movePaymentAndOrder(trx, {
        payment: channelPayment,
        event: "close_requested",
        now,
        deps,
      }))
    )
      throw new KassaError("ORDER_NOT_PAYABLE", { status: order.status });
    const closing = await findPaymentOfOrder(trx, order.id);
    if (!closing) throw new Error(`order ${order.id} lost its payment`);
    refuseIfAtChannel(closing, now);
    await movePaymentAndOrder(trx, { payment: closing, event: "closed_at_channel", now, deps });
    const wallet = await spend(deps, trx, closing, now);
    await appendOutboxEvent(trx, {
      id: makeId("event", deps.ids),
      appId: wallet.appId,
      type: "order.paid",
      aggregateId: wallet.orderId,
      payload: {
        orderId: wallet.orderId,
        paymentId: wallet.id,
        amountFen: wallet.amountFen,
        transactionId: wallet.id,
        channel: "wallet",
        order: await orderSnapshot(trx, wallet.orderId),
      },
      now,
    });
    return loadOrderView(trx, { ...order, status: "PAID" });
  });
}

/** A payment WeChat Pay may know (a prepay made, or one in flight) could still be paid there. */
function refuseIfAtChannel(payment: Payment, now: number): void {
  if (payment.prepayId !== null || prepayMayBeInFlight(payment, now))
    throw new KassaError("ORDER_ALREADY_AT_CHANNEL");
}

/** The wallet payment, PAID with its `wallet_paid` entry; the CHECK may refuse it. */
async function spend(deps: AppDeps, trx: Executor, replaced: Payment, now: number): Promise<Payment> {
  const id = makeId("payment", deps.ids);
  const payment: Payment = {
    ...replaced,
    id,
    channel: "wallet",
    // Unique like every out_trade_no; it never leaves Kassa.
    outTradeNo: id,
    status: "PENDING",
    prepayId: null,
    prepayExpiresAt: null,
    prepayLeaseUntil: null,
    // Later than the replaced payment, so it is the order's live payment (latest first).
    createdAt: Math.max(now, replaced.createdAt + 1),
  };
  await insertPayment(trx, payment);
  const facts = { transactionId: id, bankType: null, paidAt: now };
  const moved = await movePaymentAndOrder(trx, { payment, event: "paid", now, facts, deps });
  if (!moved) throw new Error(`wallet payment ${id} could not move to PAID`);
  return { ...payment, status: "PAID", ...facts };
}
