import { toFen } from "../domain/money.ts";
import {
  type Payment,
  type PaymentEvent,
  type PaymentFacts,
  type PaymentStatus,
  transitionPayment,
} from "../domain/payment.ts";
import type { Executor } from "./executor.ts";
import type { PaymentsTable } from "./schema.ts";

export async function insertPayment(db: Executor, payment: Payment): Promise<void> {
  await db
    .insertInto("payments")
    .values({
      id: payment.id,
      app_id: payment.appId,
      order_id: payment.orderId,
      channel: payment.channel,
      out_trade_no: payment.outTradeNo,
      status: payment.status,
      amount_fen: payment.amountFen,
      expires_at: payment.expiresAt,
      prepay_id: null,
      prepay_expires_at: null,
      prepay_lease_until: null,
      transaction_id: null,
      bank_type: null,
      paid_at: null,
      created_at: payment.createdAt,
      updated_at: payment.createdAt,
    })
    .execute();
}

export async function findPaymentByOutTradeNo(
  db: Executor,
  outTradeNo: string,
): Promise<Payment | undefined> {
  const row = await db
    .selectFrom("payments")
    .selectAll()
    .where("out_trade_no", "=", outTradeNo)
    .executeTakeFirst();
  return row ? paymentOf(row) : undefined;
}

/** The order's live payment: its latest (an order has at most one live payment). */
export async function findPaymentOfOrder(db: Executor, orderId: string): Promise<Payment | undefined> {
  const row = await db
    .selectFrom("payments")
    .selectAll()
    .where("order_id", "=", orderId)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .executeTakeFirst();
  return row ? paymentOf(row) : undefined;
}

/**
 * Move a payment on an event, as a compare-and-set (design.md convention 2): the table in
 * domain/payment.ts picks the target; the row changes only if the payment is still in
 * `from`. A `paid` move records what the channel reported. False means the move is not in
 * the table or someone moved the payment first; nothing was written either way.
 */
export async function movePayment(
  db: Executor,
  change: { paymentId: string; from: PaymentStatus; event: PaymentEvent; now: number; facts?: PaymentFacts },
): Promise<boolean> {
  const move = transitionPayment(change.from, change.event);
  if (!move.ok) return false;
  const result = await db
    .updateTable("payments")
    .set({
      status: move.to,
      updated_at: change.now,
      ...(change.facts
        ? {
            transaction_id: change.facts.transactionId,
            bank_type: change.facts.bankType,
            paid_at: change.facts.paidAt,
          }
        : {}),
    })
    .where("id", "=", change.paymentId)
    .where("status", "=", change.from)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Take the right to prepay this payment for `leaseMs`; one pay call at a time wins it. */
export async function claimPrepayLease(
  db: Executor,
  paymentId: string,
  now: number,
  leaseMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable("payments")
    .set({ prepay_lease_until: now + leaseMs })
    .where("id", "=", paymentId)
    .where("status", "=", "PENDING")
    .where((eb) => eb.or([eb("prepay_lease_until", "is", null), eb("prepay_lease_until", "<=", now)]))
    // A call that read the payment before another's prepay was saved (which ends the lease)
    // must not prepay again: only a payment without a prepay still usable may be leased.
    .where((eb) => eb.or([eb("prepay_id", "is", null), eb("prepay_expires_at", "<=", now)]))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Store a prepay's answer and end the lease, only while the payment is still PENDING: a
 * prepay that lands after a cancel or an expiry began is never stored, so it is never
 * handed out. False means the payment moved on; the caller closes the late prepay.
 */
export async function savePrepay(
  db: Executor,
  input: { paymentId: string; prepayId: string; prepayExpiresAt: number; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable("payments")
    .set({
      prepay_id: input.prepayId,
      prepay_expires_at: input.prepayExpiresAt,
      prepay_lease_until: null,
      // The timeline's "prepaid" moment (merchant API); a re-prepay moves it to the new reference.
      prepaid_at: input.now,
      updated_at: input.now,
    })
    .where("id", "=", input.paymentId)
    .where("status", "=", "PENDING")
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Mark the channel's first word that this payment failed; false when it was marked already,
 * so of every query that sees the failure exactly one is told it is the first.
 */
export async function markFailedAtChannel(db: Executor, paymentId: string, now: number): Promise<boolean> {
  const result = await db
    .updateTable("payments")
    .set({ channel_failed_at: now })
    .where("id", "=", paymentId)
    .where("channel_failed_at", "is", null)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function releasePrepayLease(db: Executor, paymentId: string): Promise<void> {
  await db.updateTable("payments").set({ prepay_lease_until: null }).where("id", "=", paymentId).execute();
}

export type PaymentRow = { [K in keyof PaymentsTable]: PaymentsTable[K] };

/** A payment from its row (the merchant API reads rows for their extra columns, too). */
export function paymentOf(row: PaymentRow): Payment {
  return {
    id: row.id,
    appId: row.app_id,
    orderId: row.order_id,
    channel: row.channel,
    outTradeNo: row.out_trade_no,
    status: row.status,
    amountFen: toFen(row.amount_fen),
    expiresAt: row.expires_at,
    prepayId: row.prepay_id,
    prepayExpiresAt: row.prepay_expires_at,
    prepayLeaseUntil: row.prepay_lease_until,
    transactionId: row.transaction_id,
    bankType: row.bank_type,
    paidAt: row.paid_at,
    createdAt: row.created_at,
  };
}

/**
 * The live payment of each of these orders (its latest, as findPaymentOfOrder picks), in one
 * query: a page of orders reads its payments at once, not one query per order.
 */
export async function findPaymentsOfOrders(
  db: Executor,
  orderIds: readonly string[],
): Promise<Map<string, Payment>> {
  const live = new Map<string, Payment>();
  if (orderIds.length === 0) return live;
  const rows = await db
    .selectFrom("payments")
    .selectAll()
    .where("order_id", "in", orderIds)
    .orderBy("created_at", "desc")
    .orderBy("id", "desc")
    .execute();
  for (const row of rows) if (!live.has(row.order_id)) live.set(row.order_id, paymentOf(row));
  return live;
}

export async function findPaymentById(db: Executor, paymentId: string): Promise<Payment | undefined> {
  const row = await db.selectFrom("payments").selectAll().where("id", "=", paymentId).executeTakeFirst();
  return row ? paymentOf(row) : undefined;
}
