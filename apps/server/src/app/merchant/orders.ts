import {
  findOrderOfApp,
  listOrdersOfApp,
  type OrderFilter,
  type PaymentRow,
  paymentsOfOrder,
  timelineSources,
} from "../../db/merchant-orders-repo.ts";
import { findPaymentsOfOrders, paymentOf } from "../../db/payments-repo.ts";
import { listRefundsOfOrder, refundedFenOfOrders } from "../../db/refunds-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { idPattern } from "../../domain/ids.ts";
import type { Order } from "../../domain/order.ts";
import type { Refund } from "../../domain/refund.ts";
import type { AppDeps } from "../deps.ts";
import { viewOrder } from "../order-view.ts";
import { decodeCursor, pageOfRows } from "../page-cursor.ts";

/** The mini program's view of an order, and whose it is (Kassa's user id, never the openid). */
export type MerchantOrderView = ReturnType<typeof viewOrder> & { userId: string };

export interface PaymentView {
  id: string;
  channel: string;
  outTradeNo: string;
  status: string;
  amountFen: number;
  createdAt: string;
  prepaidAt: string | null;
  paidAt: string | null;
  transactionId: string | null;
  bankType: string | null;
}

/**
 * One moment of an order's life, from what Kassa stores: the order row, its payments'
 * prepay times, the channel's notifications, the outbox events and the alerts. Queries of
 * the channel (confirm, query-back, before a close) are stored since migration 0012.
 */
export interface TimelineEntry {
  at: string;
  type:
    | "order.created"
    | "payment.prepaid"
    | "notification.received"
    | "payment.queried"
    | "order.paid"
    | "order.closed"
    | "refund.requested"
    | "refund.succeeded"
    | "refund.abnormal"
    | "refund.closed"
    | "alert.raised";
  paymentId?: string;
  detail?: Record<string, unknown>;
}

/** Refund events on the timeline; `order.refunded` repeats `refund.succeeded`, so it is left out. */
const REFUND_EVENTS: ReadonlySet<string> = new Set(["refund.succeeded", "refund.abnormal", "refund.closed"]);

const ORDER_ID = idPattern("order");

export async function listAppOrders(
  deps: AppDeps,
  input: OrderFilter & { limit: number; cursor: string | undefined },
): Promise<{ data: MerchantOrderView[]; nextCursor: string | null }> {
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, ORDER_ID);
  const orders = await listOrdersOfApp(deps.db, { ...input, after, limit: input.limit + 1 });
  const { page, nextCursor } = pageOfRows(orders, input.limit, (row) => row);
  const payments = await findPaymentsOfOrders(
    deps.db,
    page.map((order) => order.id),
  );
  const refunded = await refundedFenOfOrders(
    deps.db,
    page.map((order) => order.id),
  );
  return {
    data: page.map((order) => ({
      ...viewOrder(order, payments.get(order.id), refunded.get(order.id) ?? 0),
      userId: order.userId,
    })),
    nextCursor,
  };
}

export async function getAppOrder(
  deps: AppDeps,
  input: { appId: string; orderId: string },
): Promise<MerchantOrderView & { payments: PaymentView[]; timeline: TimelineEntry[] }> {
  const order = await findOrderOfApp(deps.db, input.appId, input.orderId);
  if (!order) throw new KassaError("ORDER_NOT_FOUND");
  const payments = await paymentsOfOrder(deps.db, input.appId, order.id);
  const live = payments.at(-1);
  const sources = await timelineSources(deps.db, {
    appId: input.appId,
    orderId: order.id,
    outTradeNos: payments.map((payment) => payment.out_trade_no),
    paymentIds: payments.map((payment) => payment.id),
  });
  const refunded = await refundedFenOfOrders(deps.db, [order.id]);
  return {
    ...viewOrder(order, live ? paymentOf(live) : undefined, refunded.get(order.id) ?? 0),
    userId: order.userId,
    payments: payments.map(viewPayment),
    timeline: timelineOf(order, payments, {
      ...sources,
      refunds: await listRefundsOfOrder(deps.db, order.id),
    }),
  };
}

function timelineOf(
  order: Order,
  payments: readonly PaymentRow[],
  sources: Awaited<ReturnType<typeof timelineSources>> & { refunds: readonly Refund[] },
): TimelineEntry[] {
  const paymentOf = new Map(payments.map((payment) => [payment.out_trade_no, payment.id]));
  const entries: (TimelineEntry & { ms: number; rank: number })[] = [
    { ms: order.createdAt, rank: 0, at: "", type: "order.created" },
  ];
  for (const payment of payments) {
    if (payment.prepaid_at !== null)
      entries.push({
        ms: payment.prepaid_at,
        rank: 1,
        at: "",
        type: "payment.prepaid",
        paymentId: payment.id,
      });
  }
  for (const notification of sources.notifications) {
    const paymentId = paymentOf.get(notification.out_trade_no);
    entries.push({
      ms: notification.received_at,
      rank: 2,
      at: "",
      type: "notification.received",
      ...(paymentId ? { paymentId } : {}),
      detail: { eventType: notification.event_type, outcome: notification.outcome },
    });
  }
  for (const query of sources.queries)
    entries.push({
      ms: query.queried_at,
      rank: 2,
      at: "",
      type: "payment.queried",
      paymentId: query.payment_id,
      detail: { reason: query.reason, outcome: query.outcome },
    });
  for (const refund of sources.refunds)
    entries.push({
      ms: refund.createdAt,
      rank: 2,
      at: "",
      type: "refund.requested",
      paymentId: refund.paymentId,
      detail: { refundId: refund.id, amountFen: refund.amountFen },
    });
  for (const event of sources.events) {
    const payload = JSON.parse(event.payload) as Record<string, unknown>;
    if (REFUND_EVENTS.has(event.type)) {
      entries.push({
        ms: event.created_at,
        rank: 3,
        at: "",
        type: event.type as TimelineEntry["type"],
        detail: { refundId: payload.refundId, amountFen: payload.amountFen },
      });
      continue;
    }
    if (event.type !== "order.paid" && event.type !== "order.closed") continue;
    entries.push({
      ms: event.created_at,
      rank: 3,
      at: "",
      type: event.type,
      ...(typeof payload.paymentId === "string" ? { paymentId: payload.paymentId } : {}),
      ...(event.type === "order.closed" ? { detail: { reason: payload.reason } } : {}),
    });
  }
  for (const alert of sources.alerts)
    entries.push({
      ms: alert.created_at,
      rank: 4,
      at: "",
      type: "alert.raised",
      detail: { kind: alert.kind },
    });
  // Stable: by time, and within one millisecond in the order things happen.
  entries.sort((a, b) => a.ms - b.ms || a.rank - b.rank);
  return entries.map(({ ms, rank: _rank, ...entry }) => ({ ...entry, at: new Date(ms).toISOString() }));
}

function viewPayment(row: PaymentRow): PaymentView {
  const time = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: row.id,
    channel: row.channel,
    outTradeNo: row.out_trade_no,
    status: row.status,
    amountFen: row.amount_fen,
    createdAt: new Date(row.created_at).toISOString(),
    prepaidAt: time(row.prepaid_at),
    paidAt: time(row.paid_at),
    transactionId: row.transaction_id,
    bankType: row.bank_type,
  };
}
