import type { SandboxConfig } from "../config.ts";
import { paramError } from "../wechat-error.ts";
import { FieldReader, refuseFourByteCharacters } from "./field-checks.ts";

/** §5.1 request fields, checked. Amounts are integer fen. */
export interface PrepayRequest {
  appid: string;
  mchid: string;
  description: string;
  outTradeNo: string;
  /** As sent; resolved against the clock by `resolveTimeExpire`. */
  timeExpire?: string;
  attach?: string;
  notifyUrl: string;
  goodsTag?: string;
  amountTotal: number;
  payerOpenid: string;
  deviceId?: string;
  /** Canonical JSON of the body without time_expire: "the same parameters" of §5.1. */
  fingerprint: string;
}

/** §5.1: 6-32 characters of [0-9A-Za-z_-|*]. */
export const OUT_TRADE_NO_PATTERN = /^[0-9A-Za-z_\-|*]{6,32}$/;
const OUT_TRADE_NO_ISSUE = "must be 6 to 32 characters of 0-9, A-Z, a-z, _, -, | and * (§5.1)";

export function readPrepayRequest(
  body: Record<string, unknown>,
  httpNotifyUrls: SandboxConfig["httpNotifyUrls"],
): PrepayRequest {
  refuseFourByteCharacters(body);
  const read = new FieldReader(body);
  const appid = read.string("/appid", { required: true, maxChars: 32 })!;
  const mchid = read.string("/mchid", { required: true, maxChars: 32 })!;
  const description = read.string("/description", { required: true, maxChars: 127 })!;
  const outTradeNo = read.string("/out_trade_no", {
    required: true,
    minChars: 6,
    maxChars: 32,
    pattern: OUT_TRADE_NO_PATTERN,
    patternIssue: OUT_TRADE_NO_ISSUE,
  })!;
  const timeExpire = read.string("/time_expire", { maxChars: 64 });
  const attach = read.string("/attach", { maxChars: 128 });
  const notifyUrl = read.string("/notify_url", { required: true, maxChars: 255 })!;
  checkNotifyUrl(notifyUrl, httpNotifyUrls);
  const goodsTag = read.string("/goods_tag", { maxChars: 32 });
  read.boolean("/support_fapiao");
  read.object("/amount", true);
  const amountTotal = read.integer("/amount/total", { required: true, min: 1 })!;
  const currency = read.string("/amount/currency", { maxChars: 16 });
  if (currency !== undefined && currency !== "CNY") {
    throw paramError(
      "/amount/currency",
      "must be CNY, the only currency of domestic merchants",
      "body",
      currency,
    );
  }
  read.object("/payer", true);
  const payerOpenid = read.string("/payer/openid", { required: true, maxChars: 128 })!;
  checkOptionalParts(read);
  const deviceId = read.string("/scene_info/device_id", { maxChars: 32 });
  const { time_expire: _ignored, ...rest } = body;
  return {
    appid,
    mchid,
    description,
    outTradeNo,
    ...(timeExpire === undefined ? {} : { timeExpire }),
    ...(attach === undefined ? {} : { attach }),
    notifyUrl,
    ...(goodsTag === undefined ? {} : { goodsTag }),
    amountTotal,
    payerOpenid,
    ...(deviceId === undefined ? {} : { deviceId }),
    fingerprint: canonicalJson(rest),
  };
}

/** The out_trade_no of a path (§5.2, §5.3): same charset rule, location "path". */
export function checkOutTradeNoInPath(outTradeNo: string): void {
  if (!OUT_TRADE_NO_PATTERN.test(outTradeNo))
    throw paramError("out_trade_no", OUT_TRADE_NO_ISSUE, "path", outTradeNo);
}

/**
 * §5.1 time_expire: RFC 3339 with an offset; values under one minute ahead are raised to
 * one minute; the 2025 page caps it at 90 days (older pages said 15). Default 7 days.
 */
export function resolveTimeExpire(value: string | undefined, now: number): number {
  if (value === undefined) return now + 7 * DAY_MS;
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/.exec(
    value,
  );
  const at = match ? Date.parse(value) : Number.NaN;
  const [, year, month, day, hour, minute, second] = match ?? [];
  const local = new Date(
    Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second)),
  );
  const fieldsExist =
    local.getUTCDate() === Number(day) &&
    local.getUTCHours() === Number(hour) &&
    Number(minute) < 60 &&
    Number(second) < 60;
  if (Number.isNaN(at) || !fieldsExist) {
    throw paramError(
      "/time_expire",
      "must be an RFC 3339 time with an offset, e.g. 2025-06-08T10:34:56+08:00",
      "body",
      value,
    );
  }
  if (at <= now) throw paramError("/time_expire", "is not in the future", "body", value);
  if (at > now + 90 * DAY_MS) throw paramError("/time_expire", "is more than 90 days ahead", "body", value);
  return Math.max(at, now + 60_000);
}

const DAY_MS = 24 * 3600 * 1000;

/** §5.1 notify_url rules, shared with refunds (§5.4): HTTPS, no query; http on loopback as configured. */
export function checkNotifyUrl(value: string, httpNotifyUrls: SandboxConfig["httpNotifyUrls"]): void {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  const loopback = url !== undefined && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
  const httpAllowed = httpNotifyUrls === "any" || (httpNotifyUrls === "loopback" && loopback);
  if (!url || !(url.protocol === "https:" || (url.protocol === "http:" && httpAllowed))) {
    const issue =
      httpNotifyUrls === "never"
        ? "must be a public HTTPS URL (§5.1)"
        : `must be an HTTPS URL (§5.1)${httpNotifyUrls === "any" ? " or an http one" : ", or http:// on a loopback host"}`;
    throw paramError("/notify_url", issue, "body", value);
  }
  if (value.includes("?") || url.hash !== "") {
    throw paramError("/notify_url", "must not carry a query string or fragment (§5.1)", "body", value);
  }
}

/** detail, scene_info and settle_info: shapes only (§5.1); the simulator does not use them. */
function checkOptionalParts(read: FieldReader): void {
  read.object("/detail");
  read.integer("/detail/cost_price", { min: 0 });
  read.string("/detail/invoice_id", { maxChars: 32 });
  for (const [index] of (read.array("/detail/goods_detail") ?? []).entries()) {
    const item = `/detail/goods_detail/${index}`;
    read.object(item, true);
    read.string(`${item}/merchant_goods_id`, { required: true, maxChars: 32 });
    read.string(`${item}/wechatpay_goods_id`, { maxChars: 32 });
    read.string(`${item}/goods_name`, { maxChars: 256 });
    read.integer(`${item}/quantity`, { required: true, min: 1 });
    read.integer(`${item}/unit_price`, { required: true, min: 0 });
  }
  if (read.object("/scene_info")) {
    read.string("/scene_info/payer_client_ip", { required: true, maxChars: 45 });
    if (read.object("/scene_info/store_info"))
      read.string("/scene_info/store_info/id", { required: true, maxChars: 32 });
  }
  read.object("/settle_info");
  read.boolean("/settle_info/profit_sharing");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}
