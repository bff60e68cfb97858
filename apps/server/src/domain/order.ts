import type { Fen } from "./money.ts";
import type { PaymentEvent, TransitionResult } from "./payment.ts";

/**
 * An order: what the payer buys (a purchase today; later a booking, a top-up, a tip). Its
 * one status column moves only on its live payment's events, by this table (design.md
 * convention 2), so it can never disagree with the payment.
 *
 * PENDING  waiting for payment; stock is held.
 * CLOSING  its payment is being closed at the channel; stock is still held.
 * CLOSED   its payment closed; stock released.
 * PAID     its payment was paid.
 */
export const ORDER_STATUSES = ["PENDING", "CLOSING", "CLOSED", "PAID"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

const ORDER_TRANSITIONS: Readonly<Record<OrderStatus, Partial<Record<PaymentEvent, OrderStatus>>>> = {
  PENDING: { close_requested: "CLOSING", paid: "PAID" },
  CLOSING: { closed_at_channel: "CLOSED", close_abandoned: "PENDING", paid: "PAID" },
  CLOSED: { paid: "PAID" },
  PAID: {},
};

/** The one place that says how an order follows its payment; everything else asks it. */
export function transitionOrder(
  from: OrderStatus,
  event: PaymentEvent,
): TransitionResult<OrderStatus, PaymentEvent> {
  const to = ORDER_TRANSITIONS[from][event];
  return to ? { ok: true, from, to } : { ok: false, from, event };
}

export interface OrderLine {
  productId: string;
  name: string;
  quantity: number;
  unitPriceFen: Fen;
}

/**
 * What an order buys: goods from the catalog (a purchase), stored value in the payer's
 * wallet (a top-up, 会员充值, issue 9 §3), or seats in a time slot (a booking, 服务预订,
 * issue 10; its rules are in domain/booking/), or a tip to a recipient (打赏, issue 10; its
 * rules are in domain/tip/). The kind picks the capture's posting rule (ledger-postings.ts
 * `capturedFact`); a top-up, a booking and a tip have no lines and hold no stock (a booking
 * holds seats instead, a tip a part of the payer's daily cap).
 */
export const ORDER_KINDS = ["purchase", "top_up", "booking", "tip"] as const;
export type OrderKind = (typeof ORDER_KINDS)[number];

export interface Order {
  id: string;
  kind: OrderKind;
  /** The app (mini program) the order was made in; no query crosses apps. */
  appId: string;
  userId: string;
  status: OrderStatus;
  amountFen: Fen;
  description: string;
  lines: OrderLine[];
  /** A top-up's bonus: credited to the wallet on top of amountFen when paid; 0 otherwise. */
  bonusFen: Fen;
  /** The tier a top-up was priced from; null for a custom amount and for purchases. */
  topUpTierId: string | null;
  /** Epoch ms: after this the order is closed and its stock released. */
  expiresAt: number;
  createdAt: number;
}
