import { AlipayError } from "./errors.ts";

/**
 * Amounts at the Alipay boundary are yuan strings with at most two decimals (reference A.1:
 * `total_amount` "String(9)", 0.01-100000000; A.4/A.5 `refund_fee`, `refund_amount`, ...).
 * Kassa keeps integer fen (design.md convention 4). Both directions work on the digits as
 * text, never through a float: with floats "1.13" × 100 is 112.99999999999999.
 */

/** Integer fen (1 yuan = 100 fen). */
export type Fen = number;

/** No sign, no "+", no leading zeros, no exponent, no bare "." and at most two decimals. */
const YUAN = /^(0|[1-9][0-9]*)(?:\.([0-9]{1,2}))?$/;
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** "0.01" → 1, "12.3" → 1230, "100" → 10000. Throws AMOUNT_INVALID on anything else. */
export function yuanToFen(text: string): Fen {
  const fen = tryYuanToFen(text);
  if (fen === undefined) {
    throw new AlipayError(
      "AMOUNT_INVALID",
      `${JSON.stringify(clip(text))} is not a non-negative yuan amount with at most two decimals (like "0.01", "12.3" or "100")`,
      { diagnostics: { value: clip(text) } },
    );
  }
  return fen;
}

/** The same as {@link yuanToFen}, returning undefined instead of throwing. */
export function tryYuanToFen(text: string): Fen | undefined {
  if (typeof text !== "string") return undefined;
  const match = YUAN.exec(text);
  if (!match) return undefined;
  const [, whole = "", fraction = ""] = match;
  const digits = whole + fraction.padEnd(2, "0");
  // Checked as a BigInt first: Number("9007199254740993") silently becomes ...992.
  if (BigInt(digits) > MAX_SAFE) return undefined;
  return Number(digits);
}

/** Integer fen as the yuan text Alipay expects, always two decimals: 1230 → "12.30". */
export function fenToYuan(fen: Fen): string {
  if (!Number.isSafeInteger(fen) || fen < 0) {
    throw new AlipayError("AMOUNT_INVALID", `${fen} is not a non-negative safe integer amount in fen`, {
      diagnostics: { value: fen },
    });
  }
  const digits = String(fen).padStart(3, "0");
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}

/** A.1: `total_amount` is 0.01-100000000 yuan. */
export const MIN_TRADE_FEN = 1;
export const MAX_TRADE_FEN = 100_000_000 * 100;

function clip(text: unknown): string {
  const value = String(text);
  return value.length > 40 ? `${value.slice(0, 40)}…` : value;
}
