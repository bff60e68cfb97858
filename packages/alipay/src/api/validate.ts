import { type Fen, fenToYuan, MAX_TRADE_FEN, MIN_TRADE_FEN } from "../amounts.ts";
import { AlipayRequestValidationError } from "../errors.ts";

/** Checks made before anything is sent, each from the reference's field tables (A.1, A.5). */

/** A.1: at most 64 letters, digits and underscores. */
export function outTradeNo(value: string, field = "out_trade_no"): string {
  if (!/^[A-Za-z0-9_]{1,64}$/.test(value ?? "")) {
    throw new AlipayRequestValidationError(field, "must be 1-64 letters, digits or underscores");
  }
  return value;
}

/** A.5: `out_request_no` identifies one refund request; the same charset and length as out_trade_no. */
export function outRequestNo(value: string): string {
  return outTradeNo(value, "out_request_no");
}

/** A.1: 0.01-100000000 yuan, sent with exactly two decimals. */
export function tradeAmount(value: Fen, field: string): string {
  if (!Number.isSafeInteger(value) || value < MIN_TRADE_FEN || value > MAX_TRADE_FEN) {
    throw new AlipayRequestValidationError(
      field,
      `must be integer fen from ${MIN_TRADE_FEN} to ${MAX_TRADE_FEN}`,
    );
  }
  return fenToYuan(value);
}

/** A.1: at most 256 characters, none of `/`, `=`, `&`. */
export function subject(value: string): string {
  if (typeof value !== "string" || value.length === 0 || [...value].length > 256) {
    throw new AlipayRequestValidationError("subject", "must be 1-256 characters");
  }
  if (/[/=&]/.test(value)) throw new AlipayRequestValidationError("subject", "must not contain /, = or &");
  return value;
}

export function maxLength(field: string, value: string | undefined, max: number): string | undefined {
  if (value !== undefined && [...value].length > max) {
    throw new AlipayRequestValidationError(field, `must be at most ${max} characters`);
  }
  return value;
}

/** A.5: query, close and refund name the trade by out_trade_no or trade_no (at least one). */
export function tradeRef(input: { out_trade_no?: string | undefined; trade_no?: string | undefined }) {
  if (input.out_trade_no === undefined && input.trade_no === undefined) {
    throw new AlipayRequestValidationError("out_trade_no", "give out_trade_no or trade_no");
  }
  return {
    ...(input.out_trade_no === undefined ? {} : { out_trade_no: outTradeNo(input.out_trade_no) }),
    ...(input.trade_no === undefined ? {} : { trade_no: input.trade_no }),
  };
}
