import type { Order, OrderStatus } from "../domain/order.ts";
import type { ChannelName } from "../domain/payment.ts";
import type { Executor } from "./executor.ts";
import { type PagePosition, pageAfter } from "./keyset-page.ts";
import { ordersWithLines } from "./orders-repo.ts";
import { queriesOfPayments } from "./payment-queries-repo.ts";
import type { PaymentRow } from "./payments-repo.ts";

export type { PaymentRow };

/** An app's orders as the merchant API reads them; every query names the app. */

export interface OrderFilter {
  appId: string;
  status?: OrderStatus | undefined;
  userId?: string | undefined;
  /** Inclusive, epoch ms. */
  createdFrom?: number | undefined;
  /** Exclusive, epoch ms. */
  createdTo?: number | undefined;
  /** The operators' search (admin API): exact ids, Kassa's or the channel's. */
  orderId?: string | undefined;
  outTradeNo?: string | undefined;
  transactionId?: string | undefined;
  /** The channel of the order's live payment (its latest attempt, as the order's view shows it). */
  channel?: ChannelName | undefined;
}

/** Newest first, keyset-paged on (created_at, id): two queries a page (orders, their lines). */
export async function listOrdersOfApp(
  db: Executor,
  query: OrderFilter & { after: PagePosition | undefined; limit: number },
): Promise<Order[]> {
  const { after } = query;
  let rows = db.selectFrom("orders").selectAll().where("app_id", "=", query.appId);
  if (query.status) rows = rows.where("status", "=", query.status);
  if (query.userId) rows = rows.where("user_id", "=", query.userId);
  if (query.createdFrom !== undefined) rows = rows.where("created_at", ">=", query.createdFrom);
  if (query.createdTo !== undefined) rows = rows.where("created_at", "<", query.createdTo);
  if (query.orderId) rows = rows.where("id", "=", query.orderId);
  // out_trade_no and transaction_id are the payments' (an order may have several attempts).
  const paymentIds = { out_trade_no: query.outTradeNo, transaction_id: query.transactionId } as const;
  for (const [column, value] of Object.entries(paymentIds) as [keyof typeof paymentIds, string | undefined][])
    if (value)
      rows = rows.where(
        "id",
        "in",
        db
          .selectFrom("payments")
          .select("order_id")
          .where("app_id", "=", query.appId)
          .where(column, "=", value),
      );
  if (query.channel) rows = rows.where("id", "in", ordersPaidThrough(db, query.appId, query.channel));
  rows = pageAfter(rows, { sort: "created_at", id: "id", newestFirst: true }, after);
  const orders = await rows.limit(query.limit).execute();
  return ordersWithLines(db, orders);
}

/**
 * The orders whose live payment is of `channel`: a payment with no later one of its order, in
 * the order (created_at, id) that payments-repo.ts findPaymentsOfOrders reads the live one by.
 */
function ordersPaidThrough(db: Executor, appId: string, channel: ChannelName) {
  return db
    .selectFrom("payments as live")
    .select("live.order_id")
    .where("live.app_id", "=", appId)
    .where("live.channel", "=", channel)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("payments as later")
            .select("later.id")
            .whereRef("later.order_id", "=", "live.order_id")
            .where((eb) =>
              eb.or([
                eb("later.created_at", ">", eb.ref("live.created_at")),
                eb.and([
                  eb("later.created_at", "=", eb.ref("live.created_at")),
                  eb("later.id", ">", eb.ref("live.id")),
                ]),
              ]),
            ),
        ),
      ),
    );
}

export async function findOrderOfApp(
  db: Executor,
  appId: string,
  orderId: string,
): Promise<Order | undefined> {
  const row = await db
    .selectFrom("orders")
    .selectAll()
    .where("app_id", "=", appId)
    .where("id", "=", orderId)
    .executeTakeFirst();
  return row ? (await ordersWithLines(db, [row]))[0] : undefined;
}

/** Every payment of the order, oldest first (the live one is the last). */
export async function paymentsOfOrder(db: Executor, appId: string, orderId: string): Promise<PaymentRow[]> {
  return db
    .selectFrom("payments")
    .selectAll()
    .where("app_id", "=", appId)
    .where("order_id", "=", orderId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
}

/** What the timeline reads besides the order and its payments: all stored, none guessed. */
export async function timelineSources(
  db: Executor,
  input: { appId: string; orderId: string; outTradeNos: readonly string[]; paymentIds: readonly string[] },
) {
  const notifications =
    input.outTradeNos.length === 0
      ? []
      : await db
          .selectFrom("channel_notifications")
          .select(["out_trade_no", "event_type", "outcome", "received_at"])
          .where("out_trade_no", "in", input.outTradeNos)
          .orderBy("received_at")
          .execute();
  const events = await db
    .selectFrom("outbox_events")
    .select(["id", "type", "payload", "created_at"])
    .where("app_id", "=", input.appId)
    .where("aggregate_id", "=", input.orderId)
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  // Alerts name the order (or, for a payment Kassa could not match, its out_trade_no).
  const alerts = await db
    .selectFrom("alerts")
    .select(["id", "kind", "created_at"])
    .where("subject_id", "in", [input.orderId, ...input.outTradeNos])
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return {
    notifications,
    events,
    alerts,
    queries: await queriesOfPayments(db, input.appId, input.paymentIds),
  };
}
