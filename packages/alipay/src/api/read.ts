import { type Fen, tryYuanToFen } from "../amounts.ts";
import { AlipayError } from "../errors.ts";
import type { GatewayResult } from "../response.ts";

/** Typed reads of a verified `*_response` value; a field of the wrong shape is RESPONSE_SHAPE_INVALID. */
export function text(result: GatewayResult, key: string): string | undefined {
  const value = result[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw shape(key, "is not a string");
  return value;
}

export function requiredText(result: GatewayResult, key: string): string {
  const value = text(result, key);
  if (value === undefined) throw shape(key, "is missing");
  return value;
}

export function fen(result: GatewayResult, key: string): Fen | undefined {
  const value = text(result, key);
  if (value === undefined) return undefined;
  const amount = tryYuanToFen(value);
  if (amount === undefined) throw shape(key, `${JSON.stringify(value.slice(0, 40))} is not a yuan amount`);
  return amount;
}

export function requiredFen(result: GatewayResult, key: string): Fen {
  const amount = fen(result, key);
  if (amount === undefined) throw shape(key, "is missing");
  return amount;
}

/** `expires_in` and the like: Alipay documents numbers; some answers carry them as strings. */
export function integer(result: GatewayResult, key: string): number | undefined {
  const value = result[key];
  if (value === undefined || value === null || value === "") return undefined;
  const number = typeof value === "string" && /^[0-9]{1,15}$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number)) throw shape(key, "is not an integer");
  return number;
}

function shape(key: string, issue: string): AlipayError {
  return new AlipayError("RESPONSE_SHAPE_INVALID", `${key} ${issue}`, { diagnostics: { field: key } });
}
