import { WechatPayError } from "../errors.ts";
import type { Fen } from "../types.ts";

/**
 * Amounts in bills are yuan strings (§5.7 "Amounts in the file are in yuan … convert
 * yuan→fen with decimal arithmetic, never floats"). Every conversion here works on the
 * digits as text: with floats "1.13" × 100 is 112.99999999999999 and "0.07" × 100 is
 * 7.000000000000001.
 */

/**
 * 1/1000 fen = 0.00001 yuan, the unit of the fee column (手续费, §5.7: five decimals, e.g.
 * `0.07500`). WeChat Pay computes the fee per row to 5 decimals and only rounds to fen when
 * it settles a day's total, so rounding each row to fen here would make the rows stop
 * adding up to the summary's 手续费总金额. Integers of this unit keep every row exact; at
 * ±10^12 fen the value (±10^15) is still a safe integer.
 */
export type MilliFen = number;

/** "-12.50" → sign, whole "12", fraction "50". No "+", no leading zeros, no exponent. */
const DECIMAL = /^(-?)(0|[1-9][0-9]*)(?:\.([0-9]+))?$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** The decimal text scaled by 10^decimals as an exact integer, or undefined if it is not one. */
export function tryScaleDecimal(text: string, decimals: number): number | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const [, sign, whole = "", fraction = ""] = match;
  if (fraction.length > decimals) return undefined;
  const digits = whole + fraction.padEnd(decimals, "0");
  // Checked as a BigInt first: Number("9007199254740993") silently becomes ...992.
  if (BigInt(digits) > MAX_SAFE) return undefined;
  const magnitude = Number(digits);
  // `0 - 0` is 0, never -0, so "-0.00" compares equal to 0 everywhere.
  return sign === "-" ? 0 - magnitude : magnitude;
}

/** The yuan amount as integer fen: "0.01" → 1, "1234.50" → 123450, "-0.01" → -1. */
export function yuanToFen(text: string): Fen {
  const fen = tryScaleDecimal(text, 2);
  if (fen === undefined) throw notAnAmount(text, 2);
  return fen;
}

/** A fee in yuan with up to 5 decimals as exact {@link MilliFen}: "0.07500" → 7500. */
export function yuanToMilliFen(text: string): MilliFen {
  const milliFen = tryScaleDecimal(text, 5);
  if (milliFen === undefined) throw notAnAmount(text, 5);
  return milliFen;
}

/** Fen as the yuan text bills use, two decimals: 123450 → "1234.50", -1 → "-0.01". */
export function fenToYuan(fen: Fen): string {
  return formatScaled(fen, 2);
}

/** MilliFen as the fee text bills use, five decimals: 7500 → "0.07500". */
export function milliFenToYuan(milliFen: MilliFen): string {
  return formatScaled(milliFen, 5);
}

function formatScaled(value: number, decimals: number): string {
  if (!Number.isSafeInteger(value)) {
    throw new RangeError(`Expected a safe integer amount, got ${value}`);
  }
  const digits = String(Math.abs(value)).padStart(decimals + 1, "0");
  const sign = value < 0 ? "-" : "";
  return `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}

/**
 * A fee rate such as `0.60%` (§5.7) as parts per million of the amount: 0.60% → 6000.
 * Up to four decimals of a percent are kept exactly; anything else is refused.
 */
export function tryPercentToPpm(text: string): number | undefined {
  if (!text.endsWith("%")) return undefined;
  const ppm = tryScaleDecimal(text.slice(0, -1), 4);
  return ppm === undefined || ppm < 0 ? undefined : ppm;
}

function notAnAmount(text: string, decimals: number): WechatPayError {
  return new WechatPayError(
    "BILL_FORMAT_INVALID",
    `"${clip(text)}" is not an amount in yuan with at most ${decimals} decimals (like 12.50 or -0.01)`,
    { diagnostics: { value: clip(text), decimals } },
  );
}

/** Keeps a malformed cell readable in a message without copying a whole line into it. */
export function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
