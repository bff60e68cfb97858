import { describe, expect, it } from "vitest";
import { BOOKING_EVENTS, BOOKING_STATUSES, holdsSeats, seatChangeOf, transitionBooking } from "./booking.ts";
import { checkPolicy, refundFenFor, refundPercentAt } from "./cancellation-policy.ts";
import { epochToLocal, isTimeZone, localToEpoch } from "./local-time.ts";
import { bookingExpiry, isBookable } from "./slot.ts";

const HOUR = 3_600_000;

describe("a cancellation policy", () => {
  const checked = checkPolicy([
    { beforeStartHours: 2, refundPercent: 50 },
    { beforeStartHours: 24, refundPercent: 100 },
  ]);
  if (!checked.ok) throw new Error(checked.reason);
  const policy = checked.policy;
  const start = Date.UTC(2026, 11, 5, 11, 0);

  it("is stored furthest bound first", () => {
    expect(policy.map((tier) => tier.beforeStartHours)).toEqual([24, 2]);
  });

  it("gives each tier's percent from its bound on, and nothing nearer the start than every tier", () => {
    expect(refundPercentAt(policy, start, start - 24 * HOUR - 1)).toBe(100);
    expect(refundPercentAt(policy, start, start - 24 * HOUR)).toBe(100);
    expect(refundPercentAt(policy, start, start - 24 * HOUR + 1)).toBe(50);
    expect(refundPercentAt(policy, start, start - 2 * HOUR)).toBe(50);
    expect(refundPercentAt(policy, start, start - 2 * HOUR + 1)).toBe(0);
    expect(refundPercentAt([], start, start - 100 * HOUR)).toBe(0);
  });

  it("refuses bounds out of range, duplicates, bad percents and more back for less notice", () => {
    expect(checkPolicy([{ beforeStartHours: 0, refundPercent: 100 }]).ok).toBe(false);
    expect(checkPolicy([{ beforeStartHours: 1.5, refundPercent: 100 }]).ok).toBe(false);
    expect(checkPolicy([{ beforeStartHours: 3, refundPercent: 101 }]).ok).toBe(false);
    expect(
      checkPolicy([
        { beforeStartHours: 3, refundPercent: 10 },
        { beforeStartHours: 3, refundPercent: 10 },
      ]).ok,
    ).toBe(false);
    expect(
      checkPolicy([
        { beforeStartHours: 24, refundPercent: 50 },
        { beforeStartHours: 2, refundPercent: 100 },
      ]).ok,
    ).toBe(false);
  });

  it("rounds a refund down to whole fen", () => {
    expect(refundFenFor(3_333, 50)).toBe(1_666);
    expect(refundFenFor(3_333, 100)).toBe(3_333);
    expect(refundFenFor(3_333, 0)).toBe(0);
  });
});

describe("the booking table", () => {
  it("holds seats exactly in HELD, CONFIRMED and CHECKED_IN, and every move changes them by that", () => {
    for (const from of BOOKING_STATUSES)
      for (const event of BOOKING_EVENTS) {
        const move = transitionBooking(from, event);
        if (!move.ok) continue;
        expect(seatChangeOf(from, move.to, 3)).toBe(
          (holdsSeats(move.to) ? 3 : 0) - (holdsSeats(from) ? 3 : 0),
        );
      }
  });

  it("never leaves CANCELLED, and reaches CONFIRMED only by a payment", () => {
    for (const event of BOOKING_EVENTS) expect(transitionBooking("CANCELLED", event).ok).toBe(false);
    for (const from of BOOKING_STATUSES)
      for (const event of BOOKING_EVENTS) {
        const move = transitionBooking(from, event);
        if (move.ok && move.to === "CONFIRMED") expect(event).toBe("paid");
      }
  });
});

describe("slots", () => {
  const start = Date.UTC(2026, 11, 5, 11, 0);
  it("are bookable while open and before their start", () => {
    expect(isBookable({ status: "OPEN", startsAt: start }, start - 1)).toBe(true);
    expect(isBookable({ status: "OPEN", startsAt: start }, start)).toBe(false);
    expect(isBookable({ status: "CLOSED", startsAt: start }, start - HOUR)).toBe(false);
  });
  it("let a pending booking expire no later than the start", () => {
    expect(bookingExpiry(start + 60_000, start)).toBe(start);
    expect(bookingExpiry(start - HOUR, start)).toBe(start - HOUR);
  });
});

describe("local times", () => {
  it("are read in the merchant's time zone", () => {
    expect(localToEpoch("2026-12-05T19:00", "Asia/Shanghai")).toBe(Date.UTC(2026, 11, 5, 11, 0));
    expect(epochToLocal(Date.UTC(2026, 11, 5, 11, 0), "Asia/Shanghai")).toBe("2026-12-05T19:00:00");
    expect(localToEpoch("2026-07-01T12:00:00", "Europe/Berlin")).toBe(Date.UTC(2026, 6, 1, 10, 0));
  });
  it("refuse times that do not exist there, and unknown zones", () => {
    expect(localToEpoch("2026-02-30T10:00", "Asia/Shanghai")).toBeUndefined();
    expect(localToEpoch("2026-03-29T02:30", "Europe/Berlin")).toBeUndefined();
    expect(localToEpoch("2026-12-05 19:00", "Asia/Shanghai")).toBeUndefined();
    expect(isTimeZone("Asia/Shanghai")).toBe(true);
    expect(isTimeZone("Mars/Olympus")).toBe(false);
  });
});
