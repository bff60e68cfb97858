import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ORDER_STATUSES, type OrderStatus, transitionOrder } from "./order.ts";
import {
  PAYMENT_EVENTS,
  PAYMENT_STATUSES,
  type PaymentEvent,
  type PaymentStatus,
  transitionPayment,
} from "./payment.ts";

/**
 * The payment and order transition tables, walked whole (issue 8 §4): every reachable
 * state, every event, and the rules money depends on.
 */
const event = fc.constantFrom(...PAYMENT_EVENTS);

/** Apply events in turn as the repositories do: refused moves change nothing. */
function walk(events: readonly PaymentEvent[]) {
  let payment: PaymentStatus = "PENDING";
  let order: OrderStatus = "PENDING";
  const accepted: { event: PaymentEvent; to: PaymentStatus }[] = [];
  for (const next of events) {
    const paymentMove = transitionPayment(payment, next);
    const orderMove = transitionOrder(order, next);
    // The order moves exactly when its payment does, or they could disagree.
    expect(orderMove.ok).toBe(paymentMove.ok);
    if (!paymentMove.ok || !orderMove.ok) continue;
    payment = paymentMove.to;
    order = orderMove.to;
    accepted.push({ event: next, to: payment });
  }
  return { payment, order, accepted };
}

describe("the payment and order transition tables", () => {
  it("keep the order's status equal to its payment's along every sequence of events", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const { payment, order } = walk(events);
        expect(order).toBe(payment);
      }),
      { numRuns: 2_000 },
    );
  });

  it("never leave PAID, and never accept `paid` twice (no double credit)", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const { accepted } = walk(events);
        const paidAt = accepted.findIndex((move) => move.to === "PAID");
        if (paidAt === -1) return;
        expect(accepted.slice(paidAt + 1)).toEqual([]);
        expect(accepted.filter((move) => move.event === "paid")).toHaveLength(1);
      }),
      { numRuns: 2_000 },
    );
  });

  it("reach CLOSED only by the channel's confirmation, and only through CLOSING", () => {
    fc.assert(
      fc.property(fc.array(event, { maxLength: 30 }), (events) => {
        const { accepted } = walk(events);
        accepted.forEach((move, index) => {
          if (move.to !== "CLOSED") return;
          expect(move.event).toBe("closed_at_channel");
          expect(accepted[index - 1]?.to).toBe("CLOSING");
        });
      }),
      { numRuns: 2_000 },
    );
  });

  it("reach every status from PENDING, and let `paid` win from every unpaid one", () => {
    const reachable = new Set<PaymentStatus>(["PENDING"]);
    for (let grew = true; grew; ) {
      grew = false;
      for (const from of [...reachable])
        for (const next of PAYMENT_EVENTS) {
          const move = transitionPayment(from, next);
          if (move.ok && !reachable.has(move.to)) {
            reachable.add(move.to);
            grew = true;
          }
        }
    }
    expect([...reachable].sort()).toEqual([...PAYMENT_STATUSES].sort());
    for (const from of ["PENDING", "CLOSING", "CLOSED"] as const) {
      expect(transitionPayment(from, "paid")).toEqual({ ok: true, from, to: "PAID" });
      expect(transitionOrder(from, "paid")).toEqual({ ok: true, from, to: "PAID" });
    }
  });

  it("answer every (status, event) pair of both tables", () => {
    for (const from of PAYMENT_STATUSES)
      for (const next of PAYMENT_EVENTS) expect(typeof transitionPayment(from, next).ok).toBe("boolean");
    for (const from of ORDER_STATUSES)
      for (const next of PAYMENT_EVENTS) expect(typeof transitionOrder(from, next).ok).toBe("boolean");
  });
});
