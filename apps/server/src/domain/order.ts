import type { Fen } from "./money.ts";

/**
 * An order's one status column and its transition table (design.md convention 2).
 *
 * PENDING  waiting for payment; stock is held.
 * CLOSING  we decided to close (cancel or expiry) and are asking WeChat Pay to close first
 *          (product.md step 7); stock is still held until WeChat Pay confirms.
 * CLOSED   closed at WeChat Pay and here; stock released.
 * PAID     WeChat Pay says SUCCESS (signed notification or our own query).
 *
 * PAID is reachable from every unpaid state: when the channel says the money moved, that
 * is the truth, even after we closed locally (quality-bar.md "paid after close").
 */
export const ORDER_STATUSES = ["PENDING", "CLOSING", "CLOSED", "PAID"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type OrderEvent =
  | "close_requested" // cancel by the payer, or expiry
  | "close_abandoned" // WeChat Pay refused to close, and did not say paid: back to waiting
  | "closed_at_channel"
  | "paid";

const TRANSITIONS: Readonly<Record<OrderStatus, Partial<Record<OrderEvent, OrderStatus>>>> = {
  PENDING: { close_requested: "CLOSING", paid: "PAID" },
  CLOSING: { closed_at_channel: "CLOSED", close_abandoned: "PENDING", paid: "PAID" },
  CLOSED: { paid: "PAID" },
  PAID: {},
};

export type TransitionResult =
  | { ok: true; from: OrderStatus; to: OrderStatus }
  | { ok: false; from: OrderStatus; event: OrderEvent };

/** The one place that says which moves are legal; everything else asks it. */
export function transition(from: OrderStatus, event: OrderEvent): TransitionResult {
  const to = TRANSITIONS[from][event];
  return to ? { ok: true, from, to } : { ok: false, from, event };
}

export interface OrderLine {
  productId: string;
  name: string;
  quantity: number;
  unitPriceFen: Fen;
}

export interface Order {
  id: string;
  outTradeNo: string;
  userId: string;
  status: OrderStatus;
  amountFen: Fen;
  description: string;
  lines: OrderLine[];
  /** Epoch ms: WeChat Pay's `time_expire` for this order (§5.1). */
  expiresAt: number;
  createdAt: number;
  paidAt: number | null;
  transactionId: string | null;
  bankType: string | null;
  prepayId: string | null;
  /** Epoch ms after which the prepay_id is not handed out again (§5.1: it lives 2 hours). */
  prepayExpiresAt: number | null;
  /** Epoch ms until which a pay call holds the right to prepay: a prepay may be in flight. */
  prepayLeaseUntil: number | null;
}

/**
 * While a pay call holds the prepay lease, its prepay may still reach WeChat Pay, so a
 * close that WeChat Pay answers "not found" proves nothing yet (issue 7: a payer was
 * charged after Kassa had confirmed the cancel).
 */
export function prepayMayBeInFlight(order: Pick<Order, "prepayLeaseUntil">, now: number): boolean {
  return order.prepayLeaseUntil !== null && order.prepayLeaseUntil > now;
}
