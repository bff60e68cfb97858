import type { SandboxContext } from "../context.ts";
import { paramError, WechatApiError } from "../wechat-error.ts";

/**
 * Which days' bills can be fetched (§5.7): bills are by Beijing-time day; a day's bill is
 * generated after 10:00 Beijing time the next day (`billReadyDelayMs` after the day ends,
 * changeable for tests); only the last 3 months are kept. The codes are those of the
 * download-bill API's error table: a day not ready yet is STATEMENT_CREATING, a date out
 * of range INVALID_REQUEST.
 */

const DAY_MS = 24 * 3600 * 1000;
const BEIJING_OFFSET_MS = 8 * 3600 * 1000;

export interface BillDay {
  /** `YYYY-MM-DD` as asked. */
  date: string;
  /** Epoch ms of 00:00 Beijing time that day, and of the next day. */
  start: number;
  end: number;
}

export function readBillDate(value: string | undefined): BillDay {
  if (value === undefined || value === "")
    throw paramError("bill_date", "is required, as YYYY-MM-DD", "query");
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const [year, month, day] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  const utc = Date.UTC(year, month - 1, day);
  const date = new Date(utc);
  if (
    !match ||
    date.getUTCFullYear() !== year ||
    date.getUTCMonth() !== month - 1 ||
    date.getUTCDate() !== day
  ) {
    throw paramError("bill_date", "must be a calendar day written YYYY-MM-DD", "query", value);
  }
  const start = utc - BEIJING_OFFSET_MS;
  return { date: value, start, end: start + DAY_MS };
}

export function checkBillAvailable(ctx: SandboxContext, day: BillDay): void {
  const now = ctx.clock.now();
  if (day.start > now) {
    throw new WechatApiError(
      "INVALID_REQUEST",
      `参数错误，请检查 bill_date: ${day.date} has not begun in Beijing time`,
    );
  }
  if (day.start < threeMonthsBefore(now)) {
    throw new WechatApiError(
      "INVALID_REQUEST",
      `参数错误，请检查 bill_date: only the last 3 months of bills are kept (§5.7)`,
    );
  }
  const readyAt = day.end + ctx.settings.billReadyDelayMs;
  if (now < readyAt) {
    throw new WechatApiError(
      "STATEMENT_CREATING",
      `账单生成中: the ${day.date} bill is ready at ${beijingTime(readyAt)} Beijing time (§5.7: after 10:00 the next day)`,
    );
  }
}

/** 00:00 Beijing time, three calendar months before today's date in Beijing. */
function threeMonthsBefore(now: number): number {
  const beijing = new Date(now + BEIJING_OFFSET_MS);
  return (
    Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth() - 3, beijing.getUTCDate()) - BEIJING_OFFSET_MS
  );
}

/** `YYYY-MM-DD HH:mm:ss` in Beijing time: how bills write times (§5.7). */
export function beijingTime(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000 + BEIJING_OFFSET_MS)
    .toISOString()
    .slice(0, 19)
    .replace("T", " ");
}

export function inDay(day: BillDay, at: number | undefined): boolean {
  return at !== undefined && at >= day.start && at < day.end;
}
