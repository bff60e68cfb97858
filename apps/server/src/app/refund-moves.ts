import { appendOutboxEvent } from "../db/events-repo.ts";
import type { Executor } from "../db/executor.ts";
import { findOrderById } from "../db/orders-repo.ts";
import { releaseStock } from "../db/products-repo.ts";
import { claimStockReturn, findRefundById, moveRefund } from "../db/refunds-repo.ts";
import type { EventType } from "../domain/events.ts";
import { makeId } from "../domain/ids.ts";
import { ledgerEntryFor } from "../domain/ledger-postings.ts";
import type { Order } from "../domain/order.ts";
import { isExternalChannel } from "../domain/payment.ts";
import type { Refund, RefundEvent, RefundStatus } from "../domain/refund.ts";
import { raiseAlert } from "./alerting/raise-alert.ts";
import { bookEntry } from "./book-entry.ts";
import type { AppDeps } from "./deps.ts";
import { orderSnapshot } from "./order-snapshot.ts";
import { viewRefund } from "./refund-view.ts";
import { bookTipRefund, releaseTipRefund } from "./tip/tip-refunds.ts";
import { bookTopUpRefund, releaseTopUpRefund } from "./top-up-refund.ts";

/**
 * The one path for a refund's state changes, in the caller's transaction: the move by the
 * table as a compare-and-set (with its change to the payment's totals, refunds-repo.ts), and
 * what the new state brings with it, in the same transaction:
 * - SUCCESS: the ledger's `channel_refund` entry (unique per refund, so it posts once),
 *   the order's stock back when the refund asked for it (once per payment), and the
 *   `refund.succeeded` and `order.refunded` events;
 * - CLOSED: its reservation released (the totals), the `refund.closed` event;
 * - ABNORMAL: an alert for an operator, the `refund.abnormal` event.
 * Undefined: the refund was not in a status this event moves (a duplicate, or another writer
 * was first); nothing was written.
 */
export async function moveRefundAndBook(
  deps: AppDeps,
  trx: Executor,
  change: {
    refund: Refund;
    event: RefundEvent;
    channelRefundId?: string | undefined;
    lastError?: string | null;
  },
): Promise<Refund | undefined> {
  const now = deps.clock.now();
  const to = await moveRefund(trx, { ...change, now });
  if (!to) return undefined;
  const moved = await findRefundById(trx, change.refund.id);
  if (!moved) throw new Error(`refund ${change.refund.id} vanished inside its own transaction`);
  const order = await findOrderById(trx, moved.orderId);
  if (!order) throw new Error(`refund ${moved.id} has no order`);
  if (to === "SUCCESS") await bookSuccess(deps, trx, moved, order, now);
  // A top-up refund that closed gives back what its request took from the wallet.
  if (to === "CLOSED" && order.kind === "top_up")
    await releaseTopUpRefund(deps, trx, moved, order.userId, now);
  // A tip refund that closed gives back to the recipient's payable what its request took.
  if (to === "CLOSED" && order.kind === "tip") await releaseTipRefund(deps, trx, moved, now);
  if (to === "ABNORMAL") {
    await raiseAlert(deps, trx, {
      kind: "refund_abnormal",
      subjectId: moved.orderId,
      appId: moved.appId,
      detail: { refundId: moved.id, outRefundNo: moved.outRefundNo, amountFen: moved.amountFen },
    });
  }
  const type = EVENT_OF[to];
  if (type) await appendRefundEvent(deps, trx, type, moved, now);
  if (to === "SUCCESS") await appendOrderRefunded(deps, trx, moved, now);
  return moved;
}

const EVENT_OF: Readonly<Record<RefundStatus, EventType | undefined>> = {
  SUCCESS: "refund.succeeded",
  ABNORMAL: "refund.abnormal",
  CLOSED: "refund.closed",
  // Back to PROCESSING by an operator's retry: the refund's own timeline says so, no event.
  PROCESSING: undefined,
};

async function bookSuccess(
  deps: AppDeps,
  trx: Executor,
  refund: Refund,
  order: Order,
  now: number,
): Promise<void> {
  // A top-up's refund takes what its request held (top-up-refund.ts); a wallet payment's
  // refund returns to the wallet (issue 9 §3); a channel's goes back through it. A tip's
  // takes what its request held from the recipient's payable (tip/tip-refunds.ts).
  if (order.kind === "top_up") await bookTopUpRefund(deps, trx, refund, now);
  else if (order.kind === "tip") await bookTipRefund(deps, trx, refund, order, now);
  else {
    const draft = ledgerEntryFor(
      isExternalChannel(refund.channel)
        ? {
            rule: "channel_refund",
            refundId: refund.id,
            channel: refund.channel,
            amountFen: refund.amountFen,
          }
        : { rule: "wallet_refund", refundId: refund.id, userId: order.userId, amountFen: refund.amountFen },
    );
    await bookEntry(trx, deps, { appId: refund.appId, orderId: refund.orderId, now, ...draft });
  }
  if (refund.returnStock && (await claimStockReturn(trx, refund.paymentId))) {
    // An order closed before it was paid (paid after close) gave its stock back at the close.
    if (!(await stockReleasedByClose(trx, order.id)))
      for (const line of order.lines) await releaseStock(trx, line.productId, line.quantity);
  }
}

/** The close wrote `order.closed` in the transaction that released the stock (close-order.ts). */
async function stockReleasedByClose(trx: Executor, orderId: string): Promise<boolean> {
  const closed = await trx
    .selectFrom("outbox_events")
    .select("id")
    .where("aggregate_id", "=", orderId)
    .where("type", "=", "order.closed")
    .executeTakeFirst();
  return closed !== undefined;
}

async function appendRefundEvent(
  deps: AppDeps,
  trx: Executor,
  type: EventType,
  refund: Refund,
  now: number,
): Promise<void> {
  await appendOutboxEvent(trx, {
    id: makeId("event", deps.ids),
    appId: refund.appId,
    type: type as "refund.succeeded",
    aggregateId: refund.orderId,
    payload: {
      refundId: refund.id,
      orderId: refund.orderId,
      amountFen: refund.amountFen,
      refund: viewRefund(refund),
      order: await orderSnapshot(trx, refund.orderId),
    },
    now,
  });
}

async function appendOrderRefunded(deps: AppDeps, trx: Executor, refund: Refund, now: number): Promise<void> {
  await appendOutboxEvent(trx, {
    id: makeId("event", deps.ids),
    appId: refund.appId,
    type: "order.refunded",
    aggregateId: refund.orderId,
    payload: {
      orderId: refund.orderId,
      refundId: refund.id,
      amountFen: refund.amountFen,
      order: await orderSnapshot(trx, refund.orderId),
    },
    now,
  });
}
