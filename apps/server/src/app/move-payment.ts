import type { Executor } from "../db/executor.ts";
import { postEntry } from "../db/ledger-repo.ts";
import { moveOrder } from "../db/orders-repo.ts";
import { movePayment } from "../db/payments-repo.ts";
import { type CapturedOrder, capturedFact, ledgerEntryFor } from "../domain/ledger-postings.ts";
import type { OrderStatus } from "../domain/order.ts";
import {
  type ExternalChannelName,
  isExternalChannel,
  type Payment,
  type PaymentEvent,
  type PaymentFacts,
} from "../domain/payment.ts";

/**
 * The one path for state changes (issue 8 §4): an event moves a payment by its table, and
 * its order follows by the order's table, in the caller's transaction; the order's new
 * status is returned. Undefined means the
 * payment did not move (the event is not legal from its status, or another writer moved it
 * first) and nothing was written. An order that cannot follow is a bug: it throws, and the
 * transaction rolls the payment's move back, so the two never disagree.
 *
 * A `paid` move books the capture in the ledger in the same transaction (issue 9 §1): the
 * compare-and-set above lets exactly one writer past, whatever raced it (a duplicate
 * notification, a query, a paid-after-close), and the entry's unique cause backs that up.
 */
export async function movePaymentAndOrder(
  trx: Executor,
  change: { payment: Payment; event: PaymentEvent; now: number; facts?: PaymentFacts },
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
  // A wallet payment books its own `wallet_payment` entry where it spends the balance.
  if (event === "paid" && isExternalChannel(payment.channel))
    await bookCapture(trx, { ...payment, channel: payment.channel }, { kind: "purchase" }, now);
  return { orderStatus };
}

/** Order kinds other than purchase (a top-up) choose their rule in ledger-postings.ts. */
async function bookCapture(
  trx: Executor,
  payment: Payment & { channel: ExternalChannelName },
  order: CapturedOrder,
  now: number,
): Promise<void> {
  const draft = ledgerEntryFor(capturedFact(order, payment));
  await postEntry(trx, { appId: payment.appId, orderId: payment.orderId, now, ...draft });
}
