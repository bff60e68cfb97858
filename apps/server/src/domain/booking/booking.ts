import type { TransitionResult } from "../payment.ts";

/**
 * A booking: seats in one time slot, bought by one order of kind `booking` (issue 10). Its
 * own status column and transition table (design.md convention 2); its order's status says
 * whether it is paid, this one what happened to the seats.
 *
 * HELD        the order is unpaid; its seats are held, as stock is for a purchase.
 * RELEASED    the order closed unpaid (cancelled or expired); its seats are back.
 * CONFIRMED   the order is paid; the seats are the payer's, the ticket code admits them.
 * CHECKED_IN  the merchant verified the ticket at the door (once).
 * CANCELLED   a paid booking was cancelled (by the payer, with the slot, or because its
 *             payment landed after its seats were gone); its seats are back, its refund made.
 */
export const BOOKING_STATUSES = ["HELD", "RELEASED", "CONFIRMED", "CHECKED_IN", "CANCELLED"] as const;
export type BookingStatus = (typeof BOOKING_STATUSES)[number];

/**
 * - paid: the order was paid while its seats were held (or held again, paid after close);
 * - closed: the order closed unpaid;
 * - paid_without_seat: the order was paid after its close and the seats are gone since;
 * - checked_in: the merchant verified the ticket;
 * - cancelled_by_payer: the payer cancelled before the slot started (refund per policy);
 * - slot_cancelled: the merchant cancelled the whole slot (refund in full).
 */
export const BOOKING_EVENTS = [
  "paid",
  "closed",
  "paid_without_seat",
  "checked_in",
  "cancelled_by_payer",
  "slot_cancelled",
] as const;
export type BookingEvent = (typeof BOOKING_EVENTS)[number];

const BOOKING_TRANSITIONS: Readonly<Record<BookingStatus, Partial<Record<BookingEvent, BookingStatus>>>> = {
  HELD: { paid: "CONFIRMED", closed: "RELEASED" },
  RELEASED: { paid: "CONFIRMED", paid_without_seat: "CANCELLED" },
  CONFIRMED: { checked_in: "CHECKED_IN", cancelled_by_payer: "CANCELLED", slot_cancelled: "CANCELLED" },
  // A slot cancelled after some were admitted still gives everyone their money back.
  CHECKED_IN: { slot_cancelled: "CANCELLED" },
  CANCELLED: {},
};

/** The one place that says which booking moves are legal; everything else asks it. */
export function transitionBooking(
  from: BookingStatus,
  event: BookingEvent,
): TransitionResult<BookingStatus, BookingEvent> {
  const to = BOOKING_TRANSITIONS[from][event];
  return to ? { ok: true, from, to } : { ok: false, from, event };
}

/** Statuses whose seats count in their slot's `seats_held`. */
export function holdsSeats(status: BookingStatus): boolean {
  return status === "HELD" || status === "CONFIRMED" || status === "CHECKED_IN";
}

/** What a move does to the slot's held seats: +seats, -seats, or nothing. */
export function seatChangeOf(from: BookingStatus, to: BookingStatus, seats: number): number {
  if (holdsSeats(from) === holdsSeats(to)) return 0;
  return holdsSeats(to) ? seats : -seats;
}

/** Why a paid booking was cancelled: it decides the refund (policy, or in full). */
export const CANCEL_CAUSES = ["payer", "slot_cancelled", "no_seat"] as const;
export type CancelCause = (typeof CANCEL_CAUSES)[number];

export const CAUSE_OF_EVENT: Partial<Record<BookingEvent, CancelCause>> = {
  cancelled_by_payer: "payer",
  slot_cancelled: "slot_cancelled",
  paid_without_seat: "no_seat",
};

export interface Booking {
  orderId: string;
  appId: string;
  slotId: string;
  userId: string;
  seats: number;
  unitPriceFen: number;
  ticketCode: string;
  status: BookingStatus;
  cancelCause: CancelCause | null;
  refundId: string | null;
  checkedInAt: number | null;
  cancelledAt: number | null;
  createdAt: number;
}

/** The most seats one booking may take (as ORDER_QUANTITY_TOO_LARGE caps a product's units). */
export const MAX_SEATS_PER_BOOKING = 99;
