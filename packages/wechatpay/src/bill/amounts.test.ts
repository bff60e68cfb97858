import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WechatPayError } from "../errors.ts";
import { fenToYuan, milliFenToYuan, tryPercentToPpm, yuanToFen, yuanToMilliFen } from "./amounts.ts";

const TEN_TO_THE_12 = 1_000_000_000_000;

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof WechatPayError ? error.code : `not a WechatPayError: ${String(error)}`;
  }
  return undefined;
}

describe("yuanToFen", () => {
  it.each([
    ["0.01", 1],
    ["1234.50", 123450],
    ["-0.01", -1],
    ["0", 0],
    ["7", 700],
    ["0.5", 50],
    ["-0.00", 0],
    ["10000000000.00", 1_000_000_000_000],
  ])("converts %s yuan to %i fen exactly", (yuan, fen) => {
    expect(yuanToFen(yuan)).toBe(fen);
  });

  it("is exact where float arithmetic is not (1.13 and 0.07 yuan)", () => {
    expect(1.13 * 100).not.toBe(113);
    expect(yuanToFen("1.13")).toBe(113);
    expect(0.07 * 100).not.toBe(7);
    expect(yuanToFen("0.07")).toBe(7);
  });

  it("never returns negative zero", () => {
    expect(Object.is(yuanToFen("-0.00"), 0)).toBe(true);
  });

  it.each([
    "1.234",
    "abc",
    "",
    "1e3",
    " 1.00",
    "1.00 ",
    "+1.00",
    "01.00",
    "1.",
    ".5",
    "1,000.00",
    "--1",
    "0x10",
    "Infinity",
    "NaN",
    "90071992547409.92",
  ])("refuses %j with BILL_FORMAT_INVALID", (text) => {
    expect(codeOf(() => yuanToFen(text))).toBe("BILL_FORMAT_INVALID");
  });

  it("accepts the largest safe fen amount and refuses one fen more", () => {
    expect(yuanToFen("90071992547409.91")).toBe(Number.MAX_SAFE_INTEGER);
    expect(codeOf(() => yuanToFen("90071992547409.92"))).toBe("BILL_FORMAT_INVALID");
  });

  it("quotes the refused text in the message", () => {
    expect(() => yuanToFen("12.345")).toThrow(/"12\.345" is not an amount in yuan with at most 2 decimals/);
  });

  it("round-trips every fen amount within ±10^12 through fenToYuan", () => {
    fc.assert(
      fc.property(fc.integer({ min: -TEN_TO_THE_12, max: TEN_TO_THE_12 }), (fen) => {
        expect(yuanToFen(fenToYuan(fen))).toBe(fen);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("fenToYuan", () => {
  it.each([
    [1, "0.01"],
    [-1, "-0.01"],
    [0, "0.00"],
    [123450, "1234.50"],
    [-123456, "-1234.56"],
  ])("writes %i fen as %s", (fen, yuan) => {
    expect(fenToYuan(fen)).toBe(yuan);
  });

  it("refuses a fractional fen amount instead of rounding it", () => {
    expect(() => fenToYuan(1.5)).toThrow(RangeError);
  });
});

describe("yuanToMilliFen (fee column, 5 decimals)", () => {
  it.each([
    ["0.07500", 7500],
    ["0.00006", 6],
    ["-0.01500", -1500],
    ["7.40700", 740700],
    ["0.00000", 0],
    ["0.6", 60000],
  ])("keeps the fee %s yuan exactly as %i thousandths of a fen", (yuan, milliFen) => {
    expect(yuanToMilliFen(yuan)).toBe(milliFen);
  });

  it("refuses a sixth decimal", () => {
    expect(codeOf(() => yuanToMilliFen("0.000061"))).toBe("BILL_FORMAT_INVALID");
  });

  it("round-trips every fee within ±10^12 fen through milliFenToYuan", () => {
    fc.assert(
      fc.property(fc.integer({ min: -TEN_TO_THE_12 * 1000, max: TEN_TO_THE_12 * 1000 }), (milliFen) => {
        expect(yuanToMilliFen(milliFenToYuan(milliFen))).toBe(milliFen);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("tryPercentToPpm (fee rate)", () => {
  it.each([
    ["0.60%", 6000],
    ["0.6%", 6000],
    ["0.38%", 3800],
    ["1%", 10000],
    ["0.0001%", 1],
  ])("reads %s as %i parts per million", (text, ppm) => {
    expect(tryPercentToPpm(text)).toBe(ppm);
  });

  it.each(["0.60", "%", "-0.60%", "0.60 %", "0.00001%", "abc%"])("refuses %j", (text) => {
    expect(tryPercentToPpm(text)).toBeUndefined();
  });
});
