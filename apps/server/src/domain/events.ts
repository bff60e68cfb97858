import type { OrderKind, OrderStatus } from "./order.ts";
import type { ChannelName } from "./payment.ts";

/**
 * Every outbox event Kassa writes, with its payload's type: one registry (issue 8 §4).
 * An event is written in the transaction of the change it reports; merchant webhooks
 * (issue 11, docs/webhooks.md) deliver these same events as their `data`, so a payload is a
 * public contract: add fields, never rename or remove one. Each carries the state of its
 * object right after the change (`order`, read in the same transaction), so a receiver
 * needs no call back; events written before migration 0009 lack it.
 */
export interface EventPayloads {
  /** An order's payment was paid (a notification or our own query said so). */
  "order.paid": {
    orderId: string;
    paymentId: string;
    amountFen: number;
    /** WeChat Pay's transaction_id; for a wallet payment, the payment's own id. */
    transactionId: string;
    /** Where the money came from (added with the wallet; events written before lack it). */
    channel?: ChannelName;
    order: OrderSnapshot;
  };
  /** An unpaid order was closed at the channel and here, and its stock released. */
  "order.closed": { orderId: string; reason: "cancel" | "expire"; order: OrderSnapshot };
}

export type EventType = keyof EventPayloads;

/** What each type means, for endpoint filters and the docs: a type missing here does not compile. */
export const EVENT_TYPE_DESCRIPTIONS: { readonly [T in EventType]: string } = {
  "order.paid": "An order's payment was paid; `order.status` is PAID",
  "order.closed": "An unpaid order was closed (cancelled or expired) and its stock released",
};

export const EVENT_TYPES = Object.keys(EVENT_TYPE_DESCRIPTIONS) as EventType[];

/** An order as an event carries it: the merchant API's order view (GET /merchant/v1/orders/:id). */
export interface OrderSnapshot {
  id: string;
  /** Added with the wallet (issue 9 §3); events written before lack it. */
  kind?: OrderKind;
  status: OrderStatus;
  amountFen: number;
  /** A top-up's bonus (added with the wallet). */
  bonusFen?: number;
  amountYuan: string;
  description: string;
  lines: { productId: string; name: string; quantity: number; unitPriceFen: number }[];
  createdAt: string;
  expiresAt: string;
  paidAt: string | null;
  transactionId: string | null;
  /** Kassa's id of the payer; never the openid. */
  userId: string;
}

/** An event as the outbox stores it; `aggregateId` is the order it is about. */
export interface OutboxEvent<T extends EventType = EventType> {
  id: string;
  /** The app whose merchant is told (webhooks are per app). */
  appId: string;
  type: T;
  aggregateId: string;
  payload: EventPayloads[T];
  now: number;
}
