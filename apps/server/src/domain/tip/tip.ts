import type { TransitionResult } from "../payment.ts";

/**
 * A tip (打赏): money a payer gives a recipient (a creator, a staff member), bought by one
 * order of kind `tip` (issue 10, "Tipping"). Its own status column and transition table
 * (design.md convention 2); its order's status says whether it is paid, this one whether the
 * tip counts toward the payer's daily cap and what the recipient is owed.
 *
 * PENDING   the order is unpaid; its amount counts toward the payer's daily cap, as stock is
 *           held for a purchase.
 * RELEASED  the order closed unpaid (cancelled or expired); the cap is given back.
 * PAID      the order is paid; the amount was posted to the recipient's payable account.
 *
 * Refunds do not move a tip: they are the refunds' own (the order's `refundedFen`), and the
 * ledger takes what they give back out of the recipient's payable account.
 */
export const TIP_STATUSES = ["PENDING", "RELEASED", "PAID"] as const;
export type TipStatus = (typeof TIP_STATUSES)[number];

/** - paid: the order was paid (also after its close: the channel is the truth); - closed: it closed unpaid. */
export const TIP_EVENTS = ["paid", "closed"] as const;
export type TipEvent = (typeof TIP_EVENTS)[number];

const TIP_TRANSITIONS: Readonly<Record<TipStatus, Partial<Record<TipEvent, TipStatus>>>> = {
  PENDING: { paid: "PAID", closed: "RELEASED" },
  RELEASED: { paid: "PAID" },
  PAID: {},
};

/** The one place that says which tip moves are legal; everything else asks it. */
export function transitionTip(from: TipStatus, event: TipEvent): TransitionResult<TipStatus, TipEvent> {
  const to = TIP_TRANSITIONS[from][event];
  return to ? { ok: true, from, to } : { ok: false, from, event };
}

/** Statuses whose amount counts in the payer's daily total for the recipient. */
export function countsTowardCap(status: TipStatus): boolean {
  return status === "PENDING" || status === "PAID";
}

/** What a move does to the payer's daily total: +amount, -amount, or nothing. */
export function capChangeOf(from: TipStatus, to: TipStatus, amountFen: number): number {
  if (countsTowardCap(from) === countsTowardCap(to)) return 0;
  return countsTowardCap(to) ? amountFen : -amountFen;
}

export interface Tip {
  orderId: string;
  appId: string;
  recipientId: string;
  userId: string;
  amountFen: number;
  /** The payer's message, plain text (never HTML), or null. */
  message: string | null;
  /** The recipient's local day the tip counts on (YYYY-MM-DD in its time zone). */
  day: string;
  status: TipStatus;
  createdAt: number;
}
