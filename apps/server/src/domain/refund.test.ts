import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { toFen } from "./money.ts";
import {
  outRefundNoFor,
  REFUND_EVENTS,
  REFUND_STATUSES,
  type RefundEvent,
  type RefundStatus,
  totalsChangeOf,
  transitionRefund,
} from "./refund.ts";

/** The refund transition table, walked whole (issue 9 §2), with what each move does to the totals. */
const event = fc.constantFrom(...REFUND_EVENTS);

function walk(events: readonly RefundEvent[], amountFen = 500) {
  let status: RefundStatus = "PROCESSING";
  let reserved = amountFen;
  let refunded = 0;
  const accepted: { event: RefundEvent; to: RefundStatus }[] = [];
  for (const next of events) {
    const move = transitionRefund(status, next);
    if (!move.ok) continue;
    status = move.to;
    const change = totalsChangeOf(move.to, toFen(amountFen));
    reserved += change.reservedFen;
    refunded += change.refundedFen;
    accepted.push({ event: next, to: status });
  }
  return { status, reserved, refunded, accepted };
}

describe("the refund transition table", () => {
  it("never leaves SUCCESS or CLOSED, and counts a refund as refunded at most once", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const { accepted, refunded, reserved, status } = walk(events);
        const final = accepted.findIndex((move) => move.to === "SUCCESS" || move.to === "CLOSED");
        if (final !== -1) expect(accepted.slice(final + 1)).toEqual([]);
        expect(accepted.filter((move) => move.to === "SUCCESS").length).toBeLessThanOrEqual(1);
        // The totals' CHECK (migration 0007): 0 <= refunded <= reserved <= captured.
        expect(refunded).toBeGreaterThanOrEqual(0);
        expect(refunded).toBeLessThanOrEqual(reserved);
        expect(reserved).toBeLessThanOrEqual(500);
        expect(reserved).toBe(status === "CLOSED" ? 0 : 500);
        expect(refunded).toBe(status === "SUCCESS" ? 500 : 0);
      }),
      { numRuns: 2_000 },
    );
  });

  it("lets only an operator move an ABNORMAL refund on, besides the channel's own final word", () => {
    expect(transitionRefund("ABNORMAL", "retry_requested")).toEqual({
      ok: true,
      from: "ABNORMAL",
      to: "PROCESSING",
    });
    expect(transitionRefund("ABNORMAL", "settled_offline")).toEqual({
      ok: true,
      from: "ABNORMAL",
      to: "SUCCESS",
    });
    expect(transitionRefund("ABNORMAL", "channel_succeeded").ok).toBe(true);
    expect(transitionRefund("ABNORMAL", "channel_closed").ok).toBe(true);
    // Refusing to make it only happens while it is being asked for.
    expect(transitionRefund("ABNORMAL", "channel_refused").ok).toBe(false);
    for (const from of ["PROCESSING", "SUCCESS", "CLOSED"] as const) {
      expect(transitionRefund(from, "retry_requested").ok).toBe(false);
      expect(transitionRefund(from, "settled_offline").ok).toBe(false);
    }
  });

  it("reaches every status from PROCESSING and answers every (status, event) pair", () => {
    const reachable = new Set<RefundStatus>(["PROCESSING"]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const from of [...reachable])
        for (const next of REFUND_EVENTS) {
          const move = transitionRefund(from, next);
          if (move.ok && !reachable.has(move.to)) {
            reachable.add(move.to);
            grew = true;
          }
        }
    }
    expect([...reachable].sort()).toEqual([...REFUND_STATUSES].sort());
    for (const from of REFUND_STATUSES)
      for (const next of REFUND_EVENTS) expect(typeof transitionRefund(from, next).ok).toBe("boolean");
  });

  it("makes an out_refund_no WeChat Pay takes (§5.4: 1-64 of [0-9A-Za-z_-|*@]) from the refund's id", () => {
    const id = "rfd_0123456789abcdefghijklmnop";
    expect(outRefundNoFor(id)).toBe(id);
    expect(outRefundNoFor(id)).toMatch(/^[0-9A-Za-z_\-|*@]{1,64}$/);
  });
});
