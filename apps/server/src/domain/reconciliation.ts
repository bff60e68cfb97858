import type { PaymentStatus } from "./payment.ts";
import type { RefundStatus } from "./refund.ts";

/**
 * Daily reconciliation's rules (issue 11; docs/reconciliation.md), pure: the classes of
 * difference, how a bill's payment row compares with Kassa's payment, the Beijing-time day
 * and when its bills are ready (reference §5.7).
 */

export const DIFFERENCE_CLASSES = [
  /** The channel took a payment Kassa does not hold as paid. */
  "missing_in_kassa",
  /** Kassa holds a payment as paid that the channel's bill of its day does not list. */
  "missing_in_bill",
  /** Both list the payment, for different amounts (the ledger's amount is shown too). */
  "amount_differs",
  /** Both list the payment, in states that disagree (revoked there, paid here; closed here). */
  "status_differs",
  /** A refund that one side lists and the other does not, or for another amount or state. */
  "refund_differs",
  /** The fee the fund flow booked for a payment is not the trade bill's fee for it. */
  "fee_differs",
  /** A bill row the parser could not read (a state it does not know, a broken cell). */
  "unreadable_row",
] as const;
export type DifferenceClass = (typeof DIFFERENCE_CLASSES)[number];

const DAY_MS = 24 * 3600_000;
const BEIJING_OFFSET_MS = 8 * 3600_000;
/** §5.7: the previous day's bills are generated after 10:00 Beijing time. */
export const BILLS_READY_AFTER_MS = 10 * 3600_000;
/** When the daily job looks: a little after 10:00, so the first try usually finds the bills. */
const SCHEDULE_AT_MS = BILLS_READY_AFTER_MS + 5 * 60_000;

/** `[start, end)` epoch ms of a `YYYY-MM-DD` Beijing-time day, or undefined for anything else. */
export function beijingDayWindow(day: string): { start: number; end: number } | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return undefined;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = Date.UTC(year, month - 1, date);
  const check = new Date(utc);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date)
    return undefined;
  const start = utc - BEIJING_OFFSET_MS;
  return { start, end: start + DAY_MS };
}

/** The Beijing-time day of an instant. */
export function beijingDayOf(epochMs: number): string {
  return new Date(epochMs + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** The latest day whose bills are ready at `now`: yesterday after 10:00, else the day before. */
export function latestReadyDay(now: number): string {
  return beijingDayOf(now - BILLS_READY_AFTER_MS - DAY_MS);
}

/** When a day's bills are ready: 10:00 Beijing time the next day. */
export function billsReadyAt(day: string): number | undefined {
  const window = beijingDayWindow(day);
  return window && window.end + BILLS_READY_AFTER_MS;
}

/** The next daily run after `now`: 10:05 Beijing time. */
export function nextDailyRunAt(now: number): number {
  const todayStart = beijingDayWindow(beijingDayOf(now))?.start ?? now;
  const today = todayStart + SCHEDULE_AT_MS;
  return today > now ? today : today + DAY_MS;
}

/** A fee in 1/1000 fen (a trade bill's 5 decimals) in whole fen, half away from zero, as booked. */
export function feeFenOf(milliFen: number): number {
  const fen = Math.floor((Math.abs(milliFen) + 500) / 1000);
  return milliFen < 0 ? -fen : fen;
}

/** What a bill's payment row and Kassa's payment of the same out_trade_no make together. */
export type PaymentComparison =
  | { outcome: "matched" }
  /** `repair`: ask the channel and apply what it says (a lost notification, a close that lost). */
  | { outcome: "difference"; class: DifferenceClass; repair: boolean; why: string };

export function comparePayment(
  bill: { amountFen: number; status: "paid" | "revoked" },
  kassa: { status: PaymentStatus; amountFen: number } | undefined,
): PaymentComparison {
  if (bill.status === "revoked") {
    if (kassa?.status === "PAID") {
      return {
        outcome: "difference",
        class: "status_differs",
        repair: false,
        why: "revoked by the channel, paid in Kassa",
      };
    }
    return { outcome: "matched" }; // taken back there, never paid here: nothing to settle
  }
  if (kassa === undefined) {
    return {
      outcome: "difference",
      class: "missing_in_kassa",
      repair: false,
      why: "no payment with this out_trade_no",
    };
  }
  switch (kassa.status) {
    case "PAID":
      return kassa.amountFen === bill.amountFen
        ? { outcome: "matched" }
        : { outcome: "difference", class: "amount_differs", repair: false, why: "paid for another amount" };
    case "PENDING":
    case "CLOSING":
      return {
        outcome: "difference",
        class: "missing_in_kassa",
        repair: true,
        why: `${kassa.status} in Kassa`,
      };
    case "CLOSED":
      return {
        outcome: "difference",
        class: "status_differs",
        repair: true,
        why: "closed in Kassa, paid at the channel",
      };
  }
}

export type RefundComparison =
  | { outcome: "matched" }
  | { outcome: "difference"; repair: boolean; why: string };

/** A refund's state as a bill shows it (the channel port's words, statement.ts). */
export type BillRefundStatus = "processing" | "succeeded" | "closed" | "abnormal";

/** The refund states of Kassa each state a bill shows may have become since the bill was cut. */
const LATER_STATES: Readonly<Record<BillRefundStatus, readonly RefundStatus[]>> = {
  processing: ["PROCESSING", "SUCCESS", "CLOSED", "ABNORMAL"],
  // ABNORMAL is not final (§5.4): the channel may still settle it either way.
  abnormal: ["ABNORMAL", "SUCCESS", "CLOSED"],
  succeeded: ["SUCCESS"],
  closed: ["CLOSED"],
};

/**
 * A refund of the bill against Kassa's refund of the same out_refund_no (all of a class
 * `refund_differs`). A bill shows the refund as it stood when the day was cut, so a refund
 * that settled since agrees; Kassa still PROCESSING where the bill is final is only stale,
 * and is repaired by asking the channel. A refund Kassa never made (on the merchant
 * platform), or of another amount, stays open.
 */
export function compareRefund(
  bill: { amountFen: number; status: BillRefundStatus },
  kassa: { status: RefundStatus; amountFen: number } | undefined,
): RefundComparison {
  if (kassa === undefined)
    return { outcome: "difference", repair: false, why: "no refund with this out_refund_no in Kassa" };
  if (kassa.amountFen !== bill.amountFen)
    return { outcome: "difference", repair: false, why: "refunded for another amount" };
  if (LATER_STATES[bill.status].includes(kassa.status)) return { outcome: "matched" };
  return {
    outcome: "difference",
    repair: kassa.status === "PROCESSING",
    why: `${bill.status} at the channel, ${kassa.status} in Kassa`,
  };
}
