import { type Selectable, sql } from "kysely";
import { toFen } from "../domain/money.ts";
import type { Payment } from "../domain/payment.ts";
import {
  type Refund,
  type RefundEvent,
  type RefundStatus,
  totalsChangeOf,
  transitionRefund,
} from "../domain/refund.ts";
import type { Executor } from "./executor.ts";
import type { RefundsTable } from "./schema.ts";

/**
 * Reserve `amountFen` of a paid payment for a new refund, in the caller's transaction: one
 * UPDATE that adds to `reserved_fen` only while it stays within `captured_fen`. The row lock
 * orders concurrent requests, each sees the total the one before it committed, and the CHECK
 * of migration 0007 backs the condition up. False: what is left is less than asked.
 */
export async function reserveRefund(
  trx: Executor,
  input: { payment: Payment; amountFen: number; now: number },
): Promise<boolean> {
  const { payment } = input;
  await trx
    .insertInto("payment_refund_totals")
    .values({
      payment_id: payment.id,
      app_id: payment.appId,
      order_id: payment.orderId,
      captured_fen: payment.amountFen,
      updated_at: input.now,
    })
    .onConflict((conflict) => conflict.column("payment_id").doNothing())
    .execute();
  const result = await trx
    .updateTable("payment_refund_totals")
    .set({ reserved_fen: sql`reserved_fen + ${input.amountFen}`, updated_at: input.now })
    .where("payment_id", "=", payment.id)
    .where(sql<boolean>`reserved_fen + ${input.amountFen} <= captured_fen`)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export interface RefundTotals {
  capturedFen: number;
  reservedFen: number;
  refundedFen: number;
}

export async function refundTotalsOf(db: Executor, paymentId: string): Promise<RefundTotals | undefined> {
  const row = await db
    .selectFrom("payment_refund_totals")
    .select(["captured_fen", "reserved_fen", "refunded_fen"])
    .where("payment_id", "=", paymentId)
    .executeTakeFirst();
  return row
    ? { capturedFen: row.captured_fen, reservedFen: row.reserved_fen, refundedFen: row.refunded_fen }
    : undefined;
}

/** What succeeded refunds gave back per order, in one query (order views read a page at once). */
export async function refundedFenOfOrders(
  db: Executor,
  orderIds: readonly string[],
): Promise<Map<string, number>> {
  const refunded = new Map<string, number>();
  if (orderIds.length === 0) return refunded;
  const rows = await db
    .selectFrom("payment_refund_totals")
    .select((eb) => ["order_id", eb.fn.sum<number | string>("refunded_fen").as("refunded")])
    .where("order_id", "in", orderIds)
    .groupBy("order_id")
    .execute();
  for (const row of rows) refunded.set(row.order_id, Number(row.refunded));
  return refunded;
}

export async function insertRefund(trx: Executor, refund: Refund): Promise<void> {
  await trx
    .insertInto("refunds")
    .values({
      id: refund.id,
      app_id: refund.appId,
      order_id: refund.orderId,
      payment_id: refund.paymentId,
      channel: refund.channel,
      out_refund_no: refund.outRefundNo,
      amount_fen: refund.amountFen,
      reason: refund.reason,
      status: refund.status,
      channel_refund_id: null,
      return_stock: refund.returnStock ? 1 : 0,
      settled_offline: 0,
      last_error: null,
      created_at: refund.createdAt,
      updated_at: refund.createdAt,
      succeeded_at: null,
      closed_at: null,
    })
    .execute();
}

export async function findRefundById(db: Executor, refundId: string): Promise<Refund | undefined> {
  const row = await db.selectFrom("refunds").selectAll().where("id", "=", refundId).executeTakeFirst();
  return row ? refundOf(row) : undefined;
}

export async function findRefundByOutRefundNo(
  db: Executor,
  outRefundNo: string,
): Promise<Refund | undefined> {
  const row = await db
    .selectFrom("refunds")
    .selectAll()
    .where("out_refund_no", "=", outRefundNo)
    .executeTakeFirst();
  return row ? refundOf(row) : undefined;
}

export async function listRefundsOfOrder(db: Executor, orderId: string): Promise<Refund[]> {
  const rows = await db
    .selectFrom("refunds")
    .selectAll()
    .where("order_id", "=", orderId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map(refundOf);
}

/** An app's refunds, newest first, a page at a time (the console's refunds page). */
export async function listRefundsOfApp(
  db: Executor,
  query: {
    appId: string;
    status: RefundStatus | undefined;
    orderId: string | undefined;
    before: { createdAt: number; id: string } | undefined;
    limit: number;
  },
): Promise<Refund[]> {
  let select = db.selectFrom("refunds").selectAll().where("app_id", "=", query.appId);
  if (query.status) select = select.where("status", "=", query.status);
  if (query.orderId) select = select.where("order_id", "=", query.orderId);
  const { before } = query;
  if (before)
    select = select.where((eb) =>
      eb.or([
        eb("created_at", "<", before.createdAt),
        eb.and([eb("created_at", "=", before.createdAt), eb("id", "<", before.id)]),
      ]),
    );
  const rows = await select.orderBy("created_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
  return rows.map(refundOf);
}

/**
 * Move a refund on an event, as a compare-and-set (design.md convention 2), and apply the
 * move's change to its payment's totals in the same transaction (the caller's). Undefined:
 * the move is not in the table or another writer moved the refund first; nothing was written.
 */
export async function moveRefund(
  trx: Executor,
  change: {
    refund: Refund;
    event: RefundEvent;
    now: number;
    channelRefundId?: string | undefined;
    lastError?: string | null;
  },
): Promise<RefundStatus | undefined> {
  const { refund, now } = change;
  const move = transitionRefund(refund.status, change.event);
  if (!move.ok) return undefined;
  const result = await trx
    .updateTable("refunds")
    .set({
      status: move.to,
      updated_at: now,
      ...(move.to === "SUCCESS" ? { succeeded_at: now } : {}),
      ...(move.to === "CLOSED" ? { closed_at: now } : {}),
      ...(change.event === "settled_offline" ? { settled_offline: 1 } : {}),
      ...(change.channelRefundId ? { channel_refund_id: change.channelRefundId } : {}),
      ...(change.lastError !== undefined ? { last_error: change.lastError } : {}),
    })
    .where("id", "=", refund.id)
    .where("status", "=", refund.status)
    .executeTakeFirst();
  if (result.numUpdatedRows !== 1n) return undefined;
  const totals = totalsChangeOf(move.to, refund.amountFen);
  // Every move updates the totals row, also one that changes no total: its lock orders the
  // order's refund events (appendOutboxEvent numbers them per order).
  await trx
    .updateTable("payment_refund_totals")
    .set({
      reserved_fen: sql`reserved_fen + ${totals.reservedFen}`,
      refunded_fen: sql`refunded_fen + ${totals.refundedFen}`,
      updated_at: now,
    })
    .where("payment_id", "=", refund.paymentId)
    .execute();
  return move.to;
}

/** What the channel said without moving the refund: its own id, or the last failure. */
export async function noteChannelAnswer(
  db: Executor,
  input: { refundId: string; channelRefundId?: string; lastError?: string | null; now: number },
): Promise<void> {
  await db
    .updateTable("refunds")
    .set({
      updated_at: input.now,
      ...(input.channelRefundId ? { channel_refund_id: input.channelRefundId } : {}),
      ...(input.lastError !== undefined ? { last_error: input.lastError } : {}),
    })
    .where("id", "=", input.refundId)
    .execute();
}

/** The right to put a payment's units back in stock: true once per payment. */
export async function claimStockReturn(trx: Executor, paymentId: string): Promise<boolean> {
  const result = await trx
    .updateTable("payment_refund_totals")
    .set({ stock_returned: 1 })
    .where("payment_id", "=", paymentId)
    .where("stock_returned", "=", 0)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export type RefundRow = Selectable<RefundsTable>;

export function refundOf(row: RefundRow): Refund {
  return {
    id: row.id,
    appId: row.app_id,
    orderId: row.order_id,
    paymentId: row.payment_id,
    channel: row.channel,
    outRefundNo: row.out_refund_no,
    amountFen: toFen(row.amount_fen),
    reason: row.reason,
    status: row.status,
    channelRefundId: row.channel_refund_id,
    returnStock: row.return_stock === 1,
    settledOffline: row.settled_offline === 1,
    lastError: row.last_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    succeededAt: row.succeeded_at,
    closedAt: row.closed_at,
  };
}
