import { toFen } from "../domain/money.ts";
import type { Order, OrderStatus } from "../domain/order.ts";
import type { Executor } from "./executor.ts";
import type { OrdersTable } from "./schema.ts";

export async function insertOrder(db: Executor, order: Order): Promise<void> {
  await db
    .insertInto("orders")
    .values({
      id: order.id,
      out_trade_no: order.outTradeNo,
      user_id: order.userId,
      status: order.status,
      amount_fen: order.amountFen,
      description: order.description,
      expires_at: order.expiresAt,
      prepay_id: null,
      prepay_expires_at: null,
      prepay_lease_until: null,
      transaction_id: null,
      bank_type: null,
      paid_at: null,
      created_at: order.createdAt,
      updated_at: order.createdAt,
    })
    .execute();
  await db
    .insertInto("order_lines")
    .values(
      order.lines.map((line) => ({
        order_id: order.id,
        product_id: line.productId,
        name: line.name,
        quantity: line.quantity,
        unit_price_fen: line.unitPriceFen,
      })),
    )
    .execute();
}

/** The caller's own order, or nothing: another user's id is indistinguishable from none (BOLA). */
export async function findOrderForUser(
  db: Executor,
  orderId: string,
  userId: string,
): Promise<Order | undefined> {
  const row = await db
    .selectFrom("orders")
    .selectAll()
    .where("id", "=", orderId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row ? withLines(db, row) : undefined;
}

export async function findOrderByOutTradeNo(db: Executor, outTradeNo: string): Promise<Order | undefined> {
  const row = await db
    .selectFrom("orders")
    .selectAll()
    .where("out_trade_no", "=", outTradeNo)
    .executeTakeFirst();
  return row ? withLines(db, row) : undefined;
}

export async function findOrderById(db: Executor, orderId: string): Promise<Order | undefined> {
  const row = await db.selectFrom("orders").selectAll().where("id", "=", orderId).executeTakeFirst();
  return row ? withLines(db, row) : undefined;
}

export interface PaymentFields {
  transactionId: string;
  bankType: string | null;
  paidAt: number;
}

/**
 * A transition as a compare-and-set (design.md convention 2): it happens only if the order
 * is still in `from`; false means someone else moved it first, and nothing was written.
 */
export async function transitionOrder(
  db: Executor,
  change: { orderId: string; from: OrderStatus; to: OrderStatus; now: number; payment?: PaymentFields },
): Promise<boolean> {
  const result = await db
    .updateTable("orders")
    .set({
      status: change.to,
      updated_at: change.now,
      ...(change.payment
        ? {
            transaction_id: change.payment.transactionId,
            bank_type: change.payment.bankType,
            paid_at: change.payment.paidAt,
          }
        : {}),
    })
    .where("id", "=", change.orderId)
    .where("status", "=", change.from)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Take the right to prepay this order for `leaseMs`; one pay call at a time wins it. */
export async function claimPrepayLease(
  db: Executor,
  orderId: string,
  now: number,
  leaseMs: number,
): Promise<boolean> {
  const result = await db
    .updateTable("orders")
    .set({ prepay_lease_until: now + leaseMs })
    .where("id", "=", orderId)
    .where("status", "=", "PENDING")
    .where((eb) => eb.or([eb("prepay_lease_until", "is", null), eb("prepay_lease_until", "<=", now)]))
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/**
 * Store a prepay's answer and end the lease, only while the order is still payable: a
 * prepay that lands after a cancel or an expiry began is never stored, so it is never
 * handed out. False means the order moved on; the caller closes the late prepay.
 */
export async function savePrepay(
  db: Executor,
  input: { orderId: string; prepayId: string; prepayExpiresAt: number; now: number },
): Promise<boolean> {
  const result = await db
    .updateTable("orders")
    .set({
      prepay_id: input.prepayId,
      prepay_expires_at: input.prepayExpiresAt,
      prepay_lease_until: null,
      updated_at: input.now,
    })
    .where("id", "=", input.orderId)
    .where("status", "=", "PENDING")
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function releasePrepayLease(db: Executor, orderId: string): Promise<void> {
  await db.updateTable("orders").set({ prepay_lease_until: null }).where("id", "=", orderId).execute();
}

type OrderRow = { [K in keyof OrdersTable]: OrdersTable[K] };

async function withLines(db: Executor, row: OrderRow): Promise<Order> {
  const lines = await db
    .selectFrom("order_lines")
    .selectAll()
    .where("order_id", "=", row.id)
    .orderBy("product_id")
    .execute();
  return {
    id: row.id,
    outTradeNo: row.out_trade_no,
    userId: row.user_id,
    status: row.status,
    amountFen: toFen(row.amount_fen),
    description: row.description,
    lines: lines.map((line) => ({
      productId: line.product_id,
      name: line.name,
      quantity: line.quantity,
      unitPriceFen: toFen(line.unit_price_fen),
    })),
    expiresAt: row.expires_at,
    createdAt: row.created_at,
    paidAt: row.paid_at,
    transactionId: row.transaction_id,
    bankType: row.bank_type,
    prepayId: row.prepay_id,
    prepayExpiresAt: row.prepay_expires_at,
    prepayLeaseUntil: row.prepay_lease_until,
  };
}

/** Orders still holding stock: unpaid and not yet closed (an expired PENDING one still holds). */
const OPEN_STATUSES: readonly OrderStatus[] = ["PENDING", "CLOSING"];

/** What one user holds right now, for the per-user caps (issue 7: one user held the catalog). */
export async function openHoldingsOfUser(
  db: Executor,
  userId: string,
): Promise<{ openOrders: number; heldUnits: number }> {
  const row = await db
    .selectFrom("orders")
    .innerJoin("order_lines", "order_lines.order_id", "orders.id")
    .select((eb) => [
      eb.fn.count<number | string>("orders.id").distinct().as("open_orders"),
      eb.fn.coalesce(eb.fn.sum<number | string>("order_lines.quantity"), eb.lit(0)).as("held_units"),
    ])
    .where("orders.user_id", "=", userId)
    .where("orders.status", "in", OPEN_STATUSES)
    .executeTakeFirstOrThrow();
  return { openOrders: Number(row.open_orders), heldUnits: Number(row.held_units) };
}
