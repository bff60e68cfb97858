import { type Selectable, sql } from "kysely";
import type { CapturedOrder } from "../domain/ledger-postings.ts";
import { toFen } from "../domain/money.ts";
import {
  ORDER_STATUSES,
  type Order,
  type OrderKind,
  type OrderStatus,
  transitionOrder,
} from "../domain/order.ts";
import type { PaymentEvent } from "../domain/payment.ts";
import type { Executor } from "./executor.ts";
import { type PagePosition, pageAfter } from "./keyset-page.ts";
import type { OrdersTable } from "./schema.ts";

export async function insertOrder(db: Executor, order: Order): Promise<void> {
  await db
    .insertInto("orders")
    .values({
      id: order.id,
      app_id: order.appId,
      user_id: order.userId,
      status: order.status,
      amount_fen: order.amountFen,
      description: order.description,
      expires_at: order.expiresAt,
      created_at: order.createdAt,
      updated_at: order.createdAt,
      kind: order.kind,
      bonus_fen: order.bonusFen,
      top_up_tier_id: order.topUpTierId,
    })
    .execute();
  // A top-up has no lines (it buys stored value, not goods).
  if (order.lines.length === 0) return;
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

export async function findOrderById(db: Executor, orderId: string): Promise<Order | undefined> {
  const row = await db.selectFrom("orders").selectAll().where("id", "=", orderId).executeTakeFirst();
  return row ? withLines(db, row) : undefined;
}

/**
 * Move an order on its payment's event, in one statement (design.md convention 2): the
 * table in domain/order.ts gives, for this event, each status it may leave and where to;
 * the UPDATE changes the row only if it is in one of them, to that status's target.
 * Returns the new status; undefined means the order was in no status this event moves, and
 * nothing was written.
 */
export async function moveOrder(
  db: Executor,
  change: { orderId: string; event: PaymentEvent; now: number },
): Promise<OrderStatus | undefined> {
  const moves = ORDER_STATUSES.flatMap((from) => {
    const move = transitionOrder(from, change.event);
    return move.ok ? [move] : [];
  });
  if (moves.length === 0) return undefined;
  const target = sql<OrderStatus>`case status ${sql.join(
    moves.map((move) => sql`when ${move.from} then ${move.to}`),
    sql` `,
  )} end`;
  const row = await db
    .updateTable("orders")
    .set({ status: target, updated_at: change.now })
    .where("id", "=", change.orderId)
    .where(
      "status",
      "in",
      moves.map((move) => move.from),
    )
    .returning("status")
    .executeTakeFirst();
  return row?.status;
}

/**
 * What the capture of a paid order books depends on (ledger-postings.ts `capturedFact`): a
 * purchase books sales, a top-up credits its payer's wallet with the amount and the bonus, a
 * tip its recipient's payable.
 * Read in the transaction that moves the order, after its row is locked by the move.
 */
export async function capturedOrderOf(db: Executor, orderId: string): Promise<CapturedOrder> {
  const row = await db
    .selectFrom("orders")
    .select(["kind", "user_id", "bonus_fen"])
    .where("id", "=", orderId)
    .executeTakeFirstOrThrow();
  switch (row.kind) {
    case "top_up":
      return { kind: "top_up", userId: row.user_id, bonusFen: Number(row.bonus_fen) };
    case "tip": {
      const tip = await db
        .selectFrom("tips")
        .select("recipient_id")
        .where("order_id", "=", orderId)
        .executeTakeFirstOrThrow();
      return { kind: "tip", recipientId: tip.recipient_id };
    }
    // A booking sells seats as a purchase sells goods: its capture books sales.
    case "booking":
    case "purchase":
      return { kind: "purchase" };
  }
}

export async function orderKindOf(db: Executor, orderId: string): Promise<OrderKind> {
  const row = await db
    .selectFrom("orders")
    .select("kind")
    .where("id", "=", orderId)
    .executeTakeFirstOrThrow();
  return row.kind;
}

/** The payer of an order (a wallet payment spends this user's wallet). */
export async function orderUserId(db: Executor, orderId: string): Promise<string> {
  const row = await db
    .selectFrom("orders")
    .select("user_id")
    .where("id", "=", orderId)
    .executeTakeFirstOrThrow();
  return row.user_id;
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
    // A left join: a top-up has no lines, and is an open order all the same.
    .leftJoin("order_lines", "order_lines.order_id", "orders.id")
    .select((eb) => [
      eb.fn.count<number | string>("orders.id").distinct().as("open_orders"),
      eb.fn.coalesce(eb.fn.sum<number | string>("order_lines.quantity"), eb.lit(0)).as("held_units"),
    ])
    .where("orders.user_id", "=", userId)
    .where("orders.status", "in", OPEN_STATUSES)
    .executeTakeFirstOrThrow();
  return { openOrders: Number(row.open_orders), heldUnits: Number(row.held_units) };
}

export type OrderRow = Selectable<OrdersTable>;

async function withLines(db: Executor, row: OrderRow): Promise<Order> {
  const [order] = await ordersWithLines(db, [row]);
  if (!order) throw new Error(`order ${row.id} vanished while its lines were read`);
  return order;
}

/** Orders from their rows, with all their lines in one query (no query per order). */
export async function ordersWithLines(db: Executor, orders: readonly OrderRow[]): Promise<Order[]> {
  if (orders.length === 0) return [];
  const lines = await db
    .selectFrom("order_lines")
    .selectAll()
    .where(
      "order_id",
      "in",
      orders.map((row) => row.id),
    )
    .orderBy("product_id")
    .execute();
  const linesOf = new Map<string, Order["lines"]>();
  for (const line of lines) {
    const list = linesOf.get(line.order_id) ?? [];
    list.push({
      productId: line.product_id,
      name: line.name,
      quantity: line.quantity,
      unitPriceFen: toFen(line.unit_price_fen),
    });
    linesOf.set(line.order_id, list);
  }
  return orders.map((row) => ({
    id: row.id,
    kind: row.kind,
    appId: row.app_id,
    userId: row.user_id,
    status: row.status,
    amountFen: toFen(row.amount_fen),
    description: row.description,
    lines: linesOf.get(row.id) ?? [],
    bonusFen: toFen(row.bonus_fen),
    topUpTierId: row.top_up_tier_id,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  }));
}

/**
 * One page of a user's orders, newest first, in two queries (the orders, then all their
 * lines). Ordered on (created_at, id), so orders made in the same millisecond keep one order
 * and a page that starts `after` an order neither repeats nor skips any (keyset paging).
 */
export async function listOrdersOfUser(
  db: Executor,
  query: { userId: string; after: PagePosition | undefined; limit: number },
): Promise<Order[]> {
  const { after } = query;
  let rows = db.selectFrom("orders").selectAll().where("user_id", "=", query.userId);
  rows = pageAfter(rows, { sort: "created_at", id: "id", newestFirst: true }, after);
  const orders = await rows.limit(query.limit).execute();
  return ordersWithLines(db, orders);
}
