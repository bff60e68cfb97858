import { describe, expect, it } from "vitest";
import {
  type BillRefundStatus,
  beijingDayWindow,
  billsReadyAt,
  comparePayment,
  compareRefund,
  feeFenOf,
  latestReadyDay,
  nextDailyRunAt,
} from "./reconciliation.ts";
import type { RefundStatus } from "./refund.ts";

const at = (rfc3339: string) => Date.parse(rfc3339);

describe("reconciliation's days (§5.7: bills by Beijing-time day, ready after 10:00 the next day)", () => {
  it("cuts days at Beijing midnight, and refuses what is not a calendar day", () => {
    expect(beijingDayWindow("2026-03-14")).toEqual({
      start: at("2026-03-14T00:00:00+08:00"),
      end: at("2026-03-15T00:00:00+08:00"),
    });
    for (const day of ["2026-02-30", "2026-3-14", "20260314", ""])
      expect(beijingDayWindow(day)).toBeUndefined();
  });

  it("the latest ready day is yesterday from 10:00 Beijing time, the day before until then", () => {
    expect(latestReadyDay(at("2026-03-15T09:59:59+08:00"))).toBe("2026-03-13");
    expect(latestReadyDay(at("2026-03-15T10:00:00+08:00"))).toBe("2026-03-14");
    expect(latestReadyDay(at("2026-03-15T23:59:00+08:00"))).toBe("2026-03-14");
    expect(billsReadyAt("2026-03-14")).toBe(at("2026-03-15T10:00:00+08:00"));
  });

  it("runs daily at 10:05 Beijing time: later today, or tomorrow once it has passed", () => {
    expect(nextDailyRunAt(at("2026-03-15T08:00:00+08:00"))).toBe(at("2026-03-15T10:05:00+08:00"));
    expect(nextDailyRunAt(at("2026-03-15T10:05:00+08:00"))).toBe(at("2026-03-16T10:05:00+08:00"));
    expect(nextDailyRunAt(at("2026-03-15T23:30:00+08:00"))).toBe(at("2026-03-16T10:05:00+08:00"));
  });
});

describe("comparing a bill's payment with Kassa's", () => {
  const paid = { amountFen: 1200, status: "paid" as const };
  it("matches a payment paid on both sides for the same amount", () => {
    expect(comparePayment(paid, { status: "PAID", amountFen: 1200 })).toEqual({ outcome: "matched" });
  });
  it("repairs a payment Kassa has as pending or closing (a lost notification) or closed", () => {
    for (const status of ["PENDING", "CLOSING"] as const) {
      expect(comparePayment(paid, { status, amountFen: 1200 })).toMatchObject({
        class: "missing_in_kassa",
        repair: true,
      });
    }
    expect(comparePayment(paid, { status: "CLOSED", amountFen: 1200 })).toMatchObject({
      class: "status_differs",
      repair: true,
    });
  });
  it("leaves open what querying cannot settle: no payment, another amount, a revoked one held paid", () => {
    expect(comparePayment(paid, undefined)).toMatchObject({ class: "missing_in_kassa", repair: false });
    expect(comparePayment(paid, { status: "PAID", amountFen: 1300 })).toMatchObject({
      class: "amount_differs",
      repair: false,
    });
    expect(comparePayment({ ...paid, status: "revoked" }, { status: "PAID", amountFen: 1200 })).toMatchObject(
      {
        class: "status_differs",
      },
    );
    expect(comparePayment({ ...paid, status: "revoked" }, { status: "CLOSED", amountFen: 1200 })).toEqual({
      outcome: "matched",
    });
  });
});

describe("fees", () => {
  it("rounds a 5-decimal fee to fen half away from zero, as the fund flow books it", () => {
    expect(feeFenOf(7500)).toBe(8); // 0.07500 yuan
    expect(feeFenOf(7499)).toBe(7);
    expect(feeFenOf(-7500)).toBe(-8);
    expect(feeFenOf(0)).toBe(0);
  });
});

describe("compareRefund: a bill's refund against Kassa's", () => {
  const bill = (status: BillRefundStatus) => ({ amountFen: 300, status });
  const kassa = (status: RefundStatus, amountFen = 300) => ({ status, amountFen });

  it("agrees when Kassa's refund is in the bill's state or one it may have reached since the bill was cut", () => {
    for (const status of ["PROCESSING", "SUCCESS", "CLOSED", "ABNORMAL"] as const)
      expect(compareRefund(bill("processing"), kassa(status))).toEqual({ outcome: "matched" });
    expect(compareRefund(bill("abnormal"), kassa("SUCCESS"))).toEqual({ outcome: "matched" });
    expect(compareRefund(bill("succeeded"), kassa("SUCCESS"))).toEqual({ outcome: "matched" });
    expect(compareRefund(bill("closed"), kassa("CLOSED"))).toEqual({ outcome: "matched" });
  });

  it("repairs only a refund Kassa still holds as PROCESSING; another amount, another final state or none stays open", () => {
    expect(compareRefund(bill("succeeded"), kassa("PROCESSING"))).toMatchObject({ repair: true });
    expect(compareRefund(bill("abnormal"), kassa("PROCESSING"))).toMatchObject({ repair: true });
    expect(compareRefund(bill("succeeded"), kassa("CLOSED"))).toMatchObject({ repair: false });
    expect(compareRefund(bill("closed"), kassa("SUCCESS"))).toMatchObject({ repair: false });
    expect(compareRefund(bill("succeeded"), kassa("SUCCESS", 299))).toMatchObject({
      repair: false,
      why: "refunded for another amount",
    });
    expect(compareRefund(bill("succeeded"), undefined)).toMatchObject({ repair: false });
  });
});
