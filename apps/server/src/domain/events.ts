/**
 * Every outbox event Kassa writes, with its payload's type: one registry (issue 8 §4).
 * An event is written in the transaction of the change it reports; merchant webhooks
 * (issue 11) deliver these same events, so a payload is a public contract: add fields,
 * never rename or remove one.
 */
export interface EventPayloads {
  /** An order's payment was paid (a notification or our own query said so). */
  "order.paid": { orderId: string; paymentId: string; amountFen: number; transactionId: string };
  /** An unpaid order was closed at the channel and here, and its stock released. */
  "order.closed": { orderId: string; reason: "cancel" | "expire" };
}

export type EventType = keyof EventPayloads;

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
