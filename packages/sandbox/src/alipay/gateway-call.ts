import type { SandboxContext } from "../context.ts";
import { invalidParameter } from "./gateway-error.ts";
import type { AlipayAppRecord } from "./records.ts";

/** One authenticated gateway call, as a method handler sees it (A.3). */
export interface GatewayCall {
  ctx: SandboxContext;
  app: AlipayAppRecord;
  /** Every request parameter, query string and form body merged. */
  params: Readonly<Record<string, string>>;
  /** `biz_content` parsed; `{}` when the method takes top-level fields (oauth.token). */
  biz: Readonly<Record<string, unknown>>;
  /** `http://host:port` as the client addressed us, for URLs we hand out (the bill download). */
  baseUrl: string;
}

/** The fields of a `*_response` other than code and msg; the pipeline adds those and signs. */
export type GatewayMethod = (call: GatewayCall) => Promise<Record<string, unknown>>;

/** A business string field: absent and "" are the same (A.3 drops empty values), anything else must be a string. */
export function bizString(biz: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = biz[key];
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value !== "string") throw invalidParameter(`${key} must be a string`);
  return value;
}

export function requiredBizString(biz: Readonly<Record<string, unknown>>, key: string): string {
  const value = bizString(biz, key);
  if (value === undefined) throw invalidParameter(`${key} is required`);
  return value;
}
