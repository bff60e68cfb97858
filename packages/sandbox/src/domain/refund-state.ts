import { SandboxError } from "../errors.ts";

/**
 * A refund's life (§5.4): PROCESSING, then SUCCESS or CLOSED (final) or ABNORMAL, which is
 * not final ("ABNORMAL不是最终态"): the bank card was cancelled or frozen, and the merchant
 * resolves it, after which it becomes SUCCESS or CLOSED. One table, one function that
 * refuses the rest (design.md convention 2).
 */

export type RefundStatus = "PROCESSING" | "SUCCESS" | "CLOSED" | "ABNORMAL";

export const REFUND_TRANSITIONS: Readonly<Record<RefundStatus, readonly RefundStatus[]>> = {
  PROCESSING: ["SUCCESS", "CLOSED", "ABNORMAL"],
  ABNORMAL: ["SUCCESS", "CLOSED"],
  SUCCESS: [],
  CLOSED: [],
};

export function checkRefundTransition(from: RefundStatus, to: RefundStatus): void {
  if (!REFUND_TRANSITIONS[from].includes(to)) {
    throw new SandboxError(
      "REFUND_TRANSITION_REFUSED",
      `a refund in ${from} cannot become ${to}${from === "SUCCESS" || from === "CLOSED" ? ` (${from} is final)` : ""}`,
    );
  }
}

/** §4.1 event types of the refund notifications, by the status they announce. */
export const REFUND_EVENT_TYPES = {
  SUCCESS: "REFUND.SUCCESS",
  ABNORMAL: "REFUND.ABNORMAL",
  CLOSED: "REFUND.CLOSED",
} as const;
