import { describe, expect, it } from "vitest";
import { ORDER_STATUSES, type OrderEvent, transition } from "./order.ts";

const EVENTS: OrderEvent[] = ["close_requested", "close_abandoned", "closed_at_channel", "paid"];

describe("the order transition table", () => {
  it("lets the channel's word that money moved win from every unpaid state", () => {
    for (const from of ["PENDING", "CLOSING", "CLOSED"] as const) {
      expect(transition(from, "paid")).toEqual({ ok: true, from, to: "PAID" });
    }
  });

  it("closes only through CLOSING: WeChat Pay is asked first (product.md step 7)", () => {
    expect(transition("PENDING", "closed_at_channel").ok).toBe(false);
    expect(transition("PENDING", "close_requested")).toMatchObject({ ok: true, to: "CLOSING" });
    expect(transition("CLOSING", "closed_at_channel")).toMatchObject({ ok: true, to: "CLOSED" });
  });

  it("never leaves PAID", () => {
    for (const event of EVENTS) expect(transition("PAID", event).ok).toBe(false);
  });

  it("has an answer for every (status, event) pair", () => {
    for (const from of ORDER_STATUSES)
      for (const event of EVENTS) expect(typeof transition(from, event).ok).toBe("boolean");
  });
});
