import type { Fen } from "./money.ts";

/**
 * A payment: one attempt to collect an order's amount through one channel, under its own
 * `out_trade_no` (issue 8: payments apart from orders). One status column and one
 * transition table (design.md convention 2); the order's status follows from its live
 * payment's, by the order's own table (order.ts).
 *
 * PENDING  waiting for the payer; a prepay may exist, or be in flight under the lease.
 * CLOSING  we decided to close (cancel or expiry) and are asking the channel to close first
 *          (product.md step 7).
 * CLOSED   closed at the channel and here.
 * PAID     the channel says the money moved (signed notification or our own query).
 *
 * PAID is reachable from every unpaid state: when the channel says the money moved, that
 * is the truth, even after we closed locally (quality-bar.md "paid after close"). PAID is
 * left only by a refund (issue 9 adds those events).
 */
export const PAYMENT_STATUSES = ["PENDING", "CLOSING", "CLOSED", "PAID"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const PAYMENT_EVENTS = ["close_requested", "close_abandoned", "closed_at_channel", "paid"] as const;
/**
 * - close_requested: cancel by the payer, or expiry;
 * - close_abandoned: the channel refused to close and did not say paid: back to waiting;
 * - closed_at_channel: the channel confirmed the close (or never knew the payment);
 * - paid: the channel said SUCCESS.
 */
export type PaymentEvent = (typeof PAYMENT_EVENTS)[number];

const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, Partial<Record<PaymentEvent, PaymentStatus>>>> = {
  PENDING: { close_requested: "CLOSING", paid: "PAID" },
  CLOSING: { closed_at_channel: "CLOSED", close_abandoned: "PENDING", paid: "PAID" },
  CLOSED: { paid: "PAID" },
  PAID: {},
};

export type TransitionResult<S, E> = { ok: true; from: S; to: S } | { ok: false; from: S; event: E };

/** The one place that says which payment moves are legal; everything else asks it. */
export function transitionPayment(
  from: PaymentStatus,
  event: PaymentEvent,
): TransitionResult<PaymentStatus, PaymentEvent> {
  const to = PAYMENT_TRANSITIONS[from][event];
  return to ? { ok: true, from, to } : { ok: false, from, event };
}

/**
 * Where a payment's money comes from: a channel Kassa calls over the network (WeChat Pay;
 * Alipay joins later, issue 14), or the payer's own wallet, kept in Kassa's ledger (issue 9
 * §3): a wallet payment calls no one, and is PAID in the transaction that makes it.
 */
export type ChannelName = ExternalChannelName | "wallet";

/** The channels Kassa calls: each has an adapter, a notify URL and a clearing account. */
export const EXTERNAL_CHANNELS = ["wechatpay", "alipay"] as const;
export type ExternalChannelName = (typeof EXTERNAL_CHANNELS)[number];

/** Every value of a payment's `channel`, as the admin API's filters take them. */
export const CHANNEL_NAMES = [...EXTERNAL_CHANNELS, "wallet"] as const satisfies readonly ChannelName[];

/** A payment collected by a channel over the network, i.e. not from the wallet. */
export function isExternalChannel(channel: ChannelName): channel is ExternalChannelName {
  return channel !== "wallet";
}

export interface Payment {
  id: string;
  /** The order's app: its merchant's channel account collects the payment. */
  appId: string;
  orderId: string;
  channel: ChannelName;
  /** Our key at the channel (§5.1): every channel call for this payment is idempotent on it. */
  outTradeNo: string;
  status: PaymentStatus;
  amountFen: Fen;
  /** Epoch ms: the channel's `time_expire` for this payment (§5.1). */
  expiresAt: number;
  prepayId: string | null;
  /** Epoch ms after which the prepay_id is not handed out again (§5.1: it lives 2 hours). */
  prepayExpiresAt: number | null;
  /** Epoch ms until which a pay call holds the right to prepay: a prepay may be in flight. */
  prepayLeaseUntil: number | null;
  transactionId: string | null;
  bankType: string | null;
  paidAt: number | null;
  createdAt: number;
}

/** What the channel reports when it says paid: stored on the payment by the `paid` move. */
export interface PaymentFacts {
  transactionId: string;
  bankType: string | null;
  paidAt: number;
}

/**
 * While a pay call holds the prepay lease, its prepay may still reach the channel, so a
 * close that the channel answers "not found" proves nothing yet (issue 7: a payer was
 * charged after Kassa had confirmed the cancel).
 */
export function prepayMayBeInFlight(payment: Pick<Payment, "prepayLeaseUntil">, now: number): boolean {
  return payment.prepayLeaseUntil !== null && payment.prepayLeaseUntil > now;
}
