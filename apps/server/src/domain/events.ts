import type { AlertStatus } from "./alert.ts";
import type { BookingStatus, CancelCause } from "./booking/booking.ts";
import type { LedgerCauseType } from "./ledger.ts";
import type { OrderKind, OrderStatus } from "./order.ts";
import type { ChannelName } from "./payment.ts";
import type { RefundStatus } from "./refund.ts";
import type { TipStatus } from "./tip/tip.ts";

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
  /** A refund gave the money back (docs/refunds.md); the ledger booked it in the same transaction. */
  "refund.succeeded": RefundEventPayload;
  /** The channel could not deliver a refund's money; an operator must act (retry or settle offline). */
  "refund.abnormal": RefundEventPayload;
  /** A refund gave nothing back (the channel closed or refused it); its amount is refundable again. */
  "refund.closed": RefundEventPayload;
  /** Money went back to the payer for an order: `order.refundedFen` is the total given back so far. */
  "order.refunded": { orderId: string; refundId: string; amountFen: number; order: OrderSnapshot };
  /**
   * A booking's payment was applied and its seats are the payer's (issue 10; docs/scenarios.md):
   * `booking.status` is CONFIRMED and `booking.ticketCode` admits them. Written in the paid
   * move's transaction, just before that move's `order.paid`. A payment that finds its seats
   * gone (or its slot cancelled) sends `booking.cancelled` instead, never this.
   */
  "booking.confirmed": BookingEventPayload;
  /** A booking's ticket was checked in at the door (issue 10; docs/scenarios.md). */
  "booking.checked_in": BookingEventPayload;
  /**
   * A paid booking was cancelled, its seats given back: by the payer (its refund per the
   * service's policy, none when the policy gives nothing), with its slot, or because its
   * payment landed after its seats were gone (both refunded in full). Written with the refund's
   * intent; `refund.succeeded` follows when the money is back.
   */
  "booking.cancelled": BookingEventPayload;
  /**
   * A tip was paid (issue 10; docs/scenarios.md "Tipping"), through WeChat Pay or from the
   * wallet: its amount is owed to `tip.recipientId` now. Written in the paid move's
   * transaction, just before that move's `order.paid`. `tip.message` is the payer's plain text:
   * show it as text, never as HTML.
   */
  "tip.paid": TipEventPayload;
  /**
   * Money went into a payer's wallet (issue 9 §3; docs/wallet.md): one event per ledger entry
   * that credits the wallet, written in that entry's transaction (app/book-entry.ts), so a
   * duplicate notification that posts nothing sends nothing. Its object is the wallet
   * (`wallet:<userId>`), whose events `sequence` numbers.
   */
  "wallet.credited": WalletCreditedPayload;
  /**
   * Something in this app needs an operator (issue 13 "Alerts"; docs/risk.md): written once
   * when the alert is raised, in the transaction that raised it; repeats of a live alert are
   * counted on it, not sent again. Alerts of no app (an operator locked out) are not sent.
   */
  "alert.raised": { alert: AlertSnapshot };
}

/** An alert as the admin API shows it (GET /admin/v1/alerts's item), as it was raised. */
export interface AlertSnapshot {
  id: string;
  kind: string;
  subjectId: string;
  appId: string;
  status: AlertStatus;
  detail: Record<string, unknown>;
  createdAt: string;
}

/** What `wallet.credited` carries: the credit, what caused it, and the wallet's balance right after. */
export interface WalletCreditedPayload {
  /** Kassa's id of the wallet's holder (`usr_…`); never the openid. */
  userId: string;
  /** What this entry added to the wallet, fen > 0. */
  amountFen: number;
  /** The wallet's balance right after this credit, fen (what Kassa owes the holder). */
  balanceFen: number;
  /**
   * The ledger entry's cause, unique per app (docs/ledger.md): `payment_captured` (a top-up
   * paid: its payment id), `refund_succeeded` (a wallet payment refunded: its refund id),
   * `top_up_refund_released` (a top-up's refund closed: its amount back), `wallet_adjustment`
   * (an operator's credit: its adjustment id). New causes may appear.
   */
  cause: { type: LedgerCauseType; id: string };
  /** The order the money was for; null for a manual adjustment. */
  orderId: string | null;
  /** The ledger entry's description ("wallet top-up paid through wechatpay", ...). */
  description: string;
}

/** What tip events carry: the tip as the merchant API shows it, and its order. */
export interface TipEventPayload {
  orderId: string;
  tip: TipSnapshot;
  order: OrderSnapshot;
}

/** A tip as events carry it: GET /merchant/v1/tip-recipients/:id/tips's item. */
export interface TipSnapshot {
  orderId: string;
  recipientId: string;
  userId: string;
  amountFen: number;
  message: string | null;
  day: string;
  status: TipStatus;
  createdAt: string;
}

/** What booking events carry: the booking as the merchant API shows it, and its order. */
export interface BookingEventPayload {
  orderId: string;
  booking: BookingSnapshot;
  order: OrderSnapshot;
}

/** A booking as events carry it: GET /merchant/v1/booking-slots/:id/bookings's item. */
export interface BookingSnapshot {
  orderId: string;
  slotId: string;
  userId: string;
  seats: number;
  unitPriceFen: number;
  status: BookingStatus;
  ticketCode: string | null;
  checkedInAt: string | null;
  cancelledAt: string | null;
  cancelCause: CancelCause | null;
  refundId: string | null;
  createdAt: string;
}

/** What each refund event carries: the refund and its order, as they are right after the change. */
export interface RefundEventPayload {
  refundId: string;
  orderId: string;
  amountFen: number;
  refund: RefundSnapshot;
  order: OrderSnapshot;
}

/** A refund as events carry it: the merchant API's refund view (GET /merchant/v1/refunds/:id). */
export interface RefundSnapshot {
  id: string;
  orderId: string;
  paymentId: string;
  outRefundNo: string;
  status: RefundStatus;
  amountFen: number;
  amountYuan: string;
  reason: string | null;
  returnStock: boolean;
  settledOffline: boolean;
  channelRefundId: string | null;
  /** The channel's code when it refused the refund, or the last failure while asking it. */
  lastError: string | null;
  createdAt: string;
  succeededAt: string | null;
  closedAt: string | null;
}

export type EventType = keyof EventPayloads;

/** What each type means, for endpoint filters and the docs: a type missing here does not compile. */
export const EVENT_TYPE_DESCRIPTIONS: { readonly [T in EventType]: string } = {
  "order.paid": "An order's payment was paid; `order.status` is PAID",
  "order.closed": "An unpaid order was closed (cancelled or expired) and its stock released",
  "refund.succeeded": "A refund gave the money back to the payer; `refund.status` is SUCCESS",
  "refund.abnormal":
    "WeChat Pay could not deliver a refund (the payer's card was cancelled or frozen); an operator retries it or marks it settled offline",
  "refund.closed":
    "A refund gave nothing back (closed or refused by the channel); its amount can be refunded again",
  "order.refunded": "Money went back to the payer for an order; `order.refundedFen` is the total so far",
  "booking.confirmed":
    "A booking was paid and its seats are the payer's; `booking.status` is CONFIRMED and `booking.ticketCode` admits them",
  "booking.checked_in": "A booking's ticket was checked in at the door; `booking.status` is CHECKED_IN",
  "booking.cancelled":
    "A paid booking was cancelled (`booking.cancelCause`: payer, slot_cancelled or no_seat) and its seats given back; `booking.refundId` is its refund, null when the policy gave nothing",
  "tip.paid":
    "A tip was paid; its amount is owed to `tip.recipientId` (`tip.message` is the payer's plain text: show it as text)",
  "wallet.credited":
    "Money went into a payer's wallet (a top-up paid, a wallet payment refunded, an operator's credit); `balanceFen` is the balance after it",
  "alert.raised":
    "Something needs an operator (`alert.kind`: an amount mismatch, a risk rule that fired, a reconciliation difference ...); sent once per alert, repeats are counted on it",
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
  /** What refunds gave back so far (SUCCESS ones); 0 for events written before refunds existed. */
  refundedFen: number;
  /** Kassa's id of the payer; never the openid. */
  userId: string;
}

/**
 * What each type's object (its aggregate, whose events `sequence` numbers) is: an order
 * (`ord_…`), or a payer's wallet (`wallet:usr_…`). The events feed shows it as `subject`, and
 * its `orderId` is the aggregate for an order's events, the payload's `orderId` otherwise.
 */
export const EVENT_SUBJECTS: { readonly [T in EventType]: "order" | "wallet" | "alert" } = {
  "order.paid": "order",
  "order.closed": "order",
  "refund.succeeded": "order",
  "refund.abnormal": "order",
  "refund.closed": "order",
  "order.refunded": "order",
  "booking.confirmed": "order",
  "booking.checked_in": "order",
  "booking.cancelled": "order",
  "tip.paid": "order",
  "wallet.credited": "wallet",
  "alert.raised": "alert",
};

/** An event as the outbox stores it; `aggregateId` is its object (EVENT_SUBJECTS): an order, a wallet or an alert. */
export interface OutboxEvent<T extends EventType = EventType> {
  id: string;
  /** The app whose merchant is told (webhooks are per app). */
  appId: string;
  type: T;
  aggregateId: string;
  payload: EventPayloads[T];
  now: number;
}
