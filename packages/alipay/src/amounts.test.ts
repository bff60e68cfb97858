import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fenToYuan, tryYuanToFen, yuanToFen } from "./amounts.ts";
import { AlipayError } from "./errors.ts";

describe("yuan strings and integer fen (reference A.1)", () => {
  it("reads the spellings Alipay sends: no, one or two decimals", () => {
    expect(yuanToFen("0.01")).toBe(1);
    expect(yuanToFen("12.3")).toBe(1230);
    expect(yuanToFen("100")).toBe(10000);
    expect(yuanToFen("1.13")).toBe(113); // 1.13 * 100 is 112.99999999999999 in floats
    expect(yuanToFen("0.07")).toBe(7);
    expect(yuanToFen("100000000.00")).toBe(10_000_000_000);
    expect(yuanToFen("0")).toBe(0);
  });

  it("writes fen with exactly two decimals", () => {
    expect(fenToYuan(1)).toBe("0.01");
    expect(fenToYuan(1230)).toBe("12.30");
    expect(fenToYuan(10000)).toBe("100.00");
    expect(fenToYuan(0)).toBe("0.00");
  });

  it.each([
    "",
    "-0.01",
    "+1",
    "1.001",
    "1e2",
    "1E2",
    "0x10",
    ".5",
    "1.",
    "01",
    " 1",
    "1 ",
    "1,00",
    "NaN",
    "Infinity",
    "１",
    "9007199254740992.00",
  ])("refuses %j with AMOUNT_INVALID", (text) => {
    expect(tryYuanToFen(text)).toBeUndefined();
    expect(() => yuanToFen(text)).toThrow(AlipayError);
    try {
      yuanToFen(text);
    } catch (error) {
      expect((error as AlipayError).code).toBe("AMOUNT_INVALID");
      expect((error as AlipayError).message).toContain("at most two decimals");
    }
  });

  it("refuses to write a fractional, negative or unsafe fen amount", () => {
    for (const fen of [-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1]) {
      expect(() => fenToYuan(fen)).toThrow(/AMOUNT_INVALID|not a non-negative/);
    }
  });

  it("round-trips every safe fen amount exactly", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        expect(yuanToFen(fenToYuan(fen))).toBe(fen);
      }),
    );
  });

  it("reads every well-formed yuan string as the same value BigInt arithmetic gives", () => {
    const yuan = fc
      .tuple(fc.bigInt({ min: 0n, max: 10n ** 13n }), fc.constantFrom(0, 1, 2), fc.nat(99))
      .map(([whole, decimals, cents]) => {
        const fraction = decimals === 0 ? "" : String(cents).padStart(2, "0").slice(0, decimals);
        const fen = whole * 100n + (decimals === 0 ? 0n : BigInt(fraction.padEnd(2, "0")));
        return { text: decimals === 0 ? `${whole}` : `${whole}.${fraction}`, fen };
      });
    fc.assert(
      fc.property(yuan, ({ text, fen }) => {
        expect(yuanToFen(text)).toBe(Number(fen));
      }),
    );
  });

  it("refuses any text with a character outside digits and one dot, or a third decimal", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const fen = tryYuanToFen(text);
        if (fen !== undefined) {
          expect(text).toMatch(/^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$/);
        }
      }),
    );
    fc.assert(
      fc.property(fc.nat(), fc.integer({ min: 100, max: 999 }), (whole, fraction) => {
        expect(tryYuanToFen(`${whole}.${fraction}`)).toBeUndefined();
        expect(tryYuanToFen(`-${whole}`)).toBeUndefined();
        expect(tryYuanToFen(`${whole}e${fraction % 10}`)).toBeUndefined();
      }),
    );
  });
});
