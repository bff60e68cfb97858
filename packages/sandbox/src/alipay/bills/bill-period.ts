import type { SandboxContext } from "../../context.ts";
import { businessError, invalidParameter } from "../gateway-error.ts";

/**
 * Which bills `alipay.data.dataservice.bill.downloadurl.query` hands out (reference A.5): a
 * day (`yyyy-MM-dd`) or a month (`yyyy-MM`), by Beijing time. A day's bill is ready
 * `billReadyDelayMs` after it ends (default 10 h: "fetch after about 10:00 the next day"), a
 * month's about the 4th of the next (3 days and the same delay after it ends); today's and
 * this month's bills do not exist ("invalid parameter"); about 30 months are kept.
 */

const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
const MONTHS_KEPT = 30;

export interface BillPeriod {
  /** As asked: `2026-01-05` or `2026-01`. */
  billDate: string;
  monthly: boolean;
  /** Epoch ms of its first Beijing midnight, and of the one after it ends. */
  start: number;
  end: number;
}

export function readBillPeriod(value: string | undefined): BillPeriod {
  const match = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(value ?? "");
  if (!match) throw invalidParameter("bill_date must be yyyy-MM-dd (a day) or yyyy-MM (a month) (A.5)");
  const [year, month] = [Number(match[1]), Number(match[2])];
  const monthly = match[3] === undefined;
  const day = monthly ? 1 : Number(match[3]);
  const utc = Date.UTC(year, month - 1, day);
  const date = new Date(utc);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw invalidParameter(`bill_date ${value} is not a calendar date`);
  }
  const start = utc - BEIJING_OFFSET_MS;
  const end = monthly ? Date.UTC(year, month, 1) - BEIJING_OFFSET_MS : start + DAY_MS;
  return { billDate: value ?? "", monthly, start, end };
}

export function checkBillReady(ctx: SandboxContext, period: BillPeriod): void {
  const now = ctx.clock.now();
  // A bill delay below zero (a test publishing "so far", as for WeChat Pay) lets the day in
  // progress be read; otherwise today's bill does not exist yet.
  if (period.end > now && now < period.end + ctx.settings.billReadyDelayMs) {
    throw invalidParameter(
      `bill_date ${period.billDate}: ${period.monthly ? "this month's" : "today's"} bill (or a future one) does not exist (A.5)`,
    );
  }
  const beijing = new Date(now + BEIJING_OFFSET_MS);
  const oldest =
    Date.UTC(beijing.getUTCFullYear(), beijing.getUTCMonth() - MONTHS_KEPT, 1) - BEIJING_OFFSET_MS;
  if (period.start < oldest) {
    throw invalidParameter(
      `bill_date ${period.billDate}: only about ${MONTHS_KEPT} months of bills are kept (A.5)`,
    );
  }
  const readyAt = period.end + (period.monthly ? 3 * DAY_MS : 0) + ctx.settings.billReadyDelayMs;
  if (now < readyAt) {
    // [unconfirmed] Alipay's sub_code for a bill not generated yet.
    throw businessError(
      "isp.bill_not_exist",
      `账单不存在 (the ${period.billDate} bill is ready at ${beijingText(readyAt)} Beijing time; A.5: T+1 after about 10:00)`,
    );
  }
}

/** `yyyy-MM-dd HH:mm:ss`, Beijing time. */
export function beijingText(epochMs: number): string {
  return new Date(Math.floor(epochMs / 1000) * 1000 + BEIJING_OFFSET_MS)
    .toISOString()
    .slice(0, 19)
    .replace("T", " ");
}

/** `2026年01月05日 00:00:00`, as the bill's header writes times [unconfirmed]. */
export function beijingChinese(epochMs: number): string {
  const text = beijingText(epochMs);
  return `${text.slice(0, 4)}年${text.slice(5, 7)}月${text.slice(8, 10)}日 ${text.slice(11)}`;
}
