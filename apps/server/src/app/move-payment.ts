import type { Executor } from "../db/executor.ts";
import { capturedOrderOf, moveOrder, orderKindOf, orderUserId } from "../db/orders-repo.ts";
import { movePayment } from "../db/payments-repo.ts";
import { capturedFact, type LedgerFact, ledgerEntryFor, walletPaidFact } from "../domain/ledger-postings.ts";
import type { OrderStatus } from "../domain/order.ts";
import { isExternalChannel, type Payment, type PaymentEvent, type PaymentFacts } from "../domain/payment.ts";
import { type BookingDeps, bookEntry } from "./book-entry.ts";
import { ORDER_KIND_RULES } from "./order-kinds.ts";

/**
 * The one path for state changes (issue 8 §4): an event moves a payment by its table, and
 * its order follows by the order's table, in the caller's transaction; the order's new
 * status is returned. Undefined means the
 * payment did not move (the event is not legal from its status, or another writer moved it
 * first) and nothing was written. An order that cannot follow is a bug: it throws, and the
 * transaction rolls the payment's move back, so the two never disagree.
 *
 * A `paid` move books its entry in the ledger in the same transaction (issue 9 §1): the
 * compare-and-set above lets exactly one writer past, whatever raced it (a duplicate
 * notification, a query, a paid-after-close), and the entry's unique cause backs that up.
 */
export async function movePaymentAndOrder(
  trx: Executor,
  change: {
    payment: Payment;
    event: PaymentEvent;
    now: number;
    facts?: PaymentFacts;
    /**
     * Ids for the events and jobs a move writes (`wallet.credited` of a top-up, `booking.confirmed`,
     * `tip.paid`, the refund of a booking paid after its seats were gone), and /metrics for the
     * entry a paid move books.
     */
    deps: BookingDeps;
  },
): Promise<{ orderStatus: OrderStatus } | undefined> {
  const { payment, event, now } = change;
  const moved = await movePayment(trx, {
    paymentId: payment.id,
    from: payment.status,
    event,
    now,
    ...(change.facts ? { facts: change.facts } : {}),
  });
  if (!moved) return undefined;
  const orderStatus = await moveOrder(trx, { orderId: payment.orderId, event, now });
  if (!orderStatus) {
    throw new Error(`order ${payment.orderId} could not follow payment ${payment.id} on "${event}"`);
  }
  if (event === "paid") {
    await bookPaid(trx, change.deps, payment, now);
    const kind = await orderKindOf(trx, payment.orderId);
    await ORDER_KIND_RULES[kind].paid(trx, { id: payment.orderId }, { now, ids: change.deps.ids });
  }
  return { orderStatus };
}

/**
 * What a paid move books: a channel's capture by the order's kind (a purchase books sales, a
 * top-up credits the wallet with its bonus, a tip its recipient's payable, ledger-postings.ts
 * `capturedFact`; a top-up's `wallet.credited` with it, book-entry.ts), or a wallet payment's spend of the payer's balance (`walletPaidFact`), which the database's CHECK refuses
 * when the balance is short: WALLET_INSUFFICIENT_FUNDS, and the whole move rolls back.
 */
async function bookPaid(trx: Executor, deps: BookingDeps, payment: Payment, now: number): Promise<void> {
  const order = await capturedOrderOf(trx, payment.orderId);
  const fact: LedgerFact = isExternalChannel(payment.channel)
    ? capturedFact(order, { ...payment, channel: payment.channel })
    : walletPaidFact(order, { ...payment, userId: await orderUserId(trx, payment.orderId) });
  const draft = ledgerEntryFor(fact);
  await bookEntry(trx, deps, { appId: payment.appId, orderId: payment.orderId, now, ...draft });
}
