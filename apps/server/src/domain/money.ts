/**
 * Money is integer fen in one branded type (design.md convention 4): 1 fen = ¥0.01.
 * Nothing in Kassa does arithmetic on yuan or floats.
 */
export type Fen = number & { readonly __unit: "fen" };

/** The largest amount one order may carry: ¥10,000,000.00, far inside Number's safe range. */
export const MAX_ORDER_FEN = 1_000_000_000;

export function toFen(value: number): Fen {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a whole number of fen`);
  return value as Fen;
}

export function addFen(a: Fen, b: Fen): Fen {
  return toFen(a + b);
}

export function multiplyFen(unit: Fen, quantity: number): Fen {
  if (!Number.isSafeInteger(quantity) || quantity < 0) throw new RangeError(`bad quantity ${quantity}`);
  return toFen(unit * quantity);
}

/** "12.34" for display; exact, because it works on the integer. */
export function formatYuan(amount: Fen): string {
  const sign = amount < 0 ? "-" : "";
  const abs = Math.abs(amount);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
