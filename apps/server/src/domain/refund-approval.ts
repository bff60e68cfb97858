import type { TransitionResult } from "./payment.ts";

/**
 * Maker-checker for refunds made in the console (issue 12): a refund larger than the
 * deployment's threshold (KASSA_REFUND_APPROVAL_ABOVE_FEN) is not made when an operator asks
 * for it; it waits as an approval until a second operator decides. One status column and
 * one transition table (design.md convention 2).
 *
 * PENDING   asked for by the maker; no money reserved yet (the refundable amount is checked
 *           again when it is approved).
 * APPROVED  a second operator approved it; the refund was recorded in the same transaction
 *           (`refund_id`), then submitted through the one refund path. Final.
 * REJECTED  a second operator (or the maker, withdrawing it) said no. Final.
 */
export const REFUND_APPROVAL_STATUSES = ["PENDING", "APPROVED", "REJECTED"] as const;
export type RefundApprovalStatus = (typeof REFUND_APPROVAL_STATUSES)[number];

export const REFUND_APPROVAL_EVENTS = ["approved", "rejected"] as const;
export type RefundApprovalEvent = (typeof REFUND_APPROVAL_EVENTS)[number];

const REFUND_APPROVAL_TRANSITIONS: Readonly<
  Record<RefundApprovalStatus, Partial<Record<RefundApprovalEvent, RefundApprovalStatus>>>
> = {
  PENDING: { approved: "APPROVED", rejected: "REJECTED" },
  APPROVED: {},
  REJECTED: {},
};

export function transitionRefundApproval(
  from: RefundApprovalStatus,
  event: RefundApprovalEvent,
): TransitionResult<RefundApprovalStatus, RefundApprovalEvent> {
  const to = REFUND_APPROVAL_TRANSITIONS[from][event];
  return to ? { ok: true, from, to } : { ok: false, from, event };
}

/** Does this refund wait for a second operator? Above the threshold, never at it. */
export function needsSecondOperator(amountFen: number, approvalAboveFen: number): boolean {
  return amountFen > approvalAboveFen;
}
