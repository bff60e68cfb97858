import { appendOutboxEvent } from "../../db/events-repo.ts";
import type { Executor } from "../../db/executor.ts";
import { findTip, moveDailyTotal, moveTip } from "../../db/tips-repo.ts";
import type { IdSource } from "../../domain/ids.ts";
import { makeId } from "../../domain/ids.ts";
import type { Order } from "../../domain/order.ts";
import { capChangeOf, type TipEvent } from "../../domain/tip/tip.ts";
import { orderSnapshot } from "../order-snapshot.ts";
import { viewTipForMerchant } from "./views.ts";

/**
 * What a tip order's moves do to its tip (app/order-kinds.ts calls these in the transaction
 * that moves the order), so the tip, the payer's daily total and the order never disagree:
 * - closed unpaid: the tip is RELEASED and its amount leaves the payer's daily total;
 * - paid: the tip is PAID (its capture credited the recipient's payable, ledger-postings.ts)
 *   and `tip.paid` tells the merchant. A payment that lands after the close (the channel is
 *   the truth) counts toward the day again, even above the cap: the money was taken.
 */
export async function tipOrderClosed(trx: Executor, order: Order, now: number): Promise<void> {
  await moveAndCount(trx, order.id, "closed", now);
}

export async function tipOrderPaid(
  trx: Executor,
  order: { id: string },
  context: { now: number; ids: IdSource },
): Promise<void> {
  const tip = await moveAndCount(trx, order.id, "paid", context.now);
  if (!tip) throw new Error(`tip order ${order.id} was paid but its tip could not follow`);
  await appendOutboxEvent(trx, {
    id: makeId("event", context.ids),
    appId: tip.appId,
    type: "tip.paid",
    aggregateId: order.id,
    payload: { orderId: order.id, tip: viewTipForMerchant(tip), order: await orderSnapshot(trx, order.id) },
    now: context.now,
  });
}

async function moveAndCount(trx: Executor, orderId: string, event: TipEvent, now: number) {
  const tip = await findTip(trx, orderId);
  if (!tip) throw new Error(`tip order ${orderId} has no tip`);
  const to = await moveTip(trx, { tip, event, now });
  if (!to) return undefined;
  const deltaFen = capChangeOf(tip.status, to, tip.amountFen);
  if (deltaFen !== 0)
    await moveDailyTotal(trx, {
      recipientId: tip.recipientId,
      userId: tip.userId,
      day: tip.day,
      deltaFen,
      now,
    });
  return { ...tip, status: to };
}
