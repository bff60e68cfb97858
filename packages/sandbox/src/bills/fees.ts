/**
 * WeChat Pay's fee on a payment, the one the bills show (§5.7: 手续费 with 5 decimals,
 * 费率 like `0.60%`). Kept exact: the trade bill's fee is in 1/1000 fen (0.00001 yuan) per
 * row, and only the fund flow rounds it to fen, half up (a 12.50 payment's 0.07500 fee
 * leaves the account as 0.08).
 */

/** 0.60%, the usual rate for mini-program payments, in parts per million. */
export const FEE_RATE_PPM = 6000;

/** The fee of `fen` in 1/1000 fen, rounded half away from zero; negative for refunds. */
export function feeMilliFen(fen: number, ratePpm = FEE_RATE_PPM): number {
  // fen × ppm / 10^6 is the fee in fen, so fen × ppm / 1000 is it in 1/1000 fen; half up.
  const milli = Math.floor((Math.abs(fen) * ratePpm + 500) / 1000);
  return fen < 0 ? -milli : milli;
}

/** The fee of `fen` in whole fen, half up, as the fund flow books it. */
export function feeFen(fen: number, ratePpm = FEE_RATE_PPM): number {
  return Math.floor((feeMilliFen(fen, ratePpm) + 500) / 1000);
}

/** `6000` → `0.60%`. */
export function formatRate(ratePpm = FEE_RATE_PPM): string {
  const hundredths = Math.round(ratePpm / 100); // percent with 2 decimals
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, "0")}%`;
}

/**
 * The fee given back with a refund: in proportion, except that the refund completing the
 * order gives back what is left, so that the refunds' fees add up to the payment's.
 */
export function refundFeeFen(
  orderTotal: number,
  refund: number,
  earlier: { refund: number; fee: number }[],
): number {
  const refundedBefore = earlier.reduce((sum, item) => sum + item.refund, 0);
  if (refundedBefore + refund >= orderTotal) {
    return Math.max(0, feeFen(orderTotal) - earlier.reduce((sum, item) => sum + item.fee, 0));
  }
  return feeFen(refund);
}
