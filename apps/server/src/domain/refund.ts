import type { Fen } from "./money.ts";
import type { ChannelName, TransitionResult } from "./payment.ts";

/**
 * A refund: money given back from one paid payment, in part or in full, under its own
 * `out_refund_no`, which Kassa assigns once and reuses on every call for this refund
 * (reference §5.4: "the same out_refund_no refunds only once"; after a failure, retry with it,
 * never a new one). One status column and one transition table (design.md convention 2).
 *
 * PROCESSING  asked for; the channel has it, or may have it (an answer was lost), or is to be
 *             asked again under the same number (query-back, app/refund-query-back.ts).
 * SUCCESS     the money went back to the payer (§4.4 REFUND.SUCCESS, or our query); final.
 * CLOSED      the refund gave nothing back (§5.4 CLOSED, or the channel refused to make it);
 *             final, and its amount may be refunded again under a new refund.
 * ABNORMAL    the channel could not deliver the money (the payer's card was cancelled or
 *             frozen). Not final (§5.4: "ABNORMAL不是最终态"): the channel may still settle it,
 *             or an operator acts: retry (after fixing it on the merchant platform or through
 *             §5.6's abnormal-refund API, Kassa goes back to asking the channel), or mark it
 *             settled offline (the merchant paid the payer back by other means).
 */
export const REFUND_STATUSES = ["PROCESSING", "SUCCESS", "CLOSED", "ABNORMAL"] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];

export const REFUND_EVENTS = [
  "channel_succeeded",
  "channel_closed",
  "channel_abnormal",
  "channel_refused",
  "retry_requested",
  "settled_offline",
] as const;
/**
 * - channel_succeeded / channel_closed / channel_abnormal: the channel said so (notification,
 *   its answer to the create call, or our query);
 * - channel_refused: the channel refused to make the refund (a business rejection, §5.8): it
 *   has no refund under this number, so nothing moved;
 * - retry_requested: an operator asks Kassa to follow an ABNORMAL refund at the channel again;
 * - settled_offline: an operator says the payer was paid back outside the channel.
 */
export type RefundEvent = (typeof REFUND_EVENTS)[number];

const REFUND_TRANSITIONS: Readonly<Record<RefundStatus, Partial<Record<RefundEvent, RefundStatus>>>> = {
  PROCESSING: {
    channel_succeeded: "SUCCESS",
    channel_closed: "CLOSED",
    channel_abnormal: "ABNORMAL",
    channel_refused: "CLOSED",
  },
  ABNORMAL: {
    channel_succeeded: "SUCCESS",
    channel_closed: "CLOSED",
    retry_requested: "PROCESSING",
    settled_offline: "SUCCESS",
  },
  SUCCESS: {},
  CLOSED: {},
};

/** The one place that says which refund moves are legal; everything else asks it. */
export function transitionRefund(
  from: RefundStatus,
  event: RefundEvent,
): TransitionResult<RefundStatus, RefundEvent> {
  const to = REFUND_TRANSITIONS[from][event];
  return to ? { ok: true, from, to } : { ok: false, from, event };
}

/**
 * What a move does to the payment's refund totals (migration 0007's CHECK keeps
 * refunded <= reserved <= captured): a refund reserves its amount when it is asked for; SUCCESS
 * counts it as refunded; CLOSED releases the reservation, so the amount can be refunded again.
 */
export function totalsChangeOf(
  to: RefundStatus,
  amountFen: Fen,
): { reservedFen: number; refundedFen: number } {
  switch (to) {
    case "SUCCESS":
      return { reservedFen: 0, refundedFen: amountFen };
    case "CLOSED":
      return { reservedFen: -amountFen, refundedFen: 0 };
    case "PROCESSING":
    case "ABNORMAL":
      return { reservedFen: 0, refundedFen: 0 };
  }
}

/** A channel's word for a refund's state, as an event of the table (or none while it is processing). */
export function refundEventOf(
  status: "processing" | "succeeded" | "closed" | "abnormal",
): RefundEvent | undefined {
  switch (status) {
    case "succeeded":
      return "channel_succeeded";
    case "closed":
      return "channel_closed";
    case "abnormal":
      return "channel_abnormal";
    case "processing":
      return undefined;
  }
}

export interface Refund {
  id: string;
  appId: string;
  orderId: string;
  paymentId: string;
  channel: ChannelName;
  /** Our key at the channel, assigned once (§5.4). */
  outRefundNo: string;
  amountFen: Fen;
  /** Shown to the payer by the channel (§5.4 `reason`, at most 80 characters). */
  reason: string | null;
  status: RefundStatus;
  /** The channel's own id (WeChat: refund_id), once it answered. */
  channelRefundId: string | null;
  /** Put the order's units back in stock when the refund succeeds (once per order). */
  returnStock: boolean;
  /** An operator marked an ABNORMAL refund as paid back outside the channel. */
  settledOffline: boolean;
  /** The channel's code when it refused, or the last failure while asking it. */
  lastError: string | null;
  createdAt: number;
  updatedAt: number;
  succeededAt: number | null;
  closedAt: number | null;
}

/**
 * `out_refund_no` from the refund's id: 1-64 characters of [0-9A-Za-z_-|*@] (§5.4), so the
 * merchant finds the refund on WeChat Pay's pages by the id Kassa shows.
 */
export function outRefundNoFor(refundId: string): string {
  return refundId.replace(/[^0-9A-Za-z_-]/g, "").slice(0, 64);
}
