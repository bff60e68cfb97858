import { describe, expect, it } from "vitest";
import { nextOrderState, ORDER_TRANSITIONS, type OrderEvent, type OrderState } from "./order-state.ts";

describe("the order state machine (§5.2)", () => {
  it("moves NOTPAY → SUCCESS → REFUND, and NOTPAY → CLOSED by close or expiry", () => {
    expect(nextOrderState("NOTPAY", "pay")).toBe("SUCCESS");
    expect(nextOrderState("SUCCESS", "refund")).toBe("REFUND");
    expect(nextOrderState("REFUND", "refund")).toBe("REFUND");
    expect(nextOrderState("NOTPAY", "close")).toBe("CLOSED");
    expect(nextOrderState("NOTPAY", "expire")).toBe("CLOSED");
  });

  it("refuses every pair not in the table", () => {
    const states = Object.keys(ORDER_TRANSITIONS) as OrderState[];
    const events: OrderEvent[] = ["pay", "close", "expire", "refund"];
    let refused = 0;
    for (const state of states) {
      for (const event of events) {
        if (ORDER_TRANSITIONS[state][event]) continue;
        expect(() => nextOrderState(state, event)).toThrow(
          expect.objectContaining({ code: "ORDER_TRANSITION_REFUSED" }),
        );
        refused++;
      }
    }
    expect(refused).toBe(11); // 16 pairs, 5 allowed
  });
});
