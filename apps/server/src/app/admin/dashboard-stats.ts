import { createdBuckets, paidBuckets, paidOfCreated } from "../../db/admin-stats-repo.ts";
import type { AppDeps } from "../deps.ts";

/** The merchant's zone. Asia/Shanghai has kept UTC+8 all year since 1991: no DST to handle. */
export const MERCHANT_TIME_ZONE = "Asia/Shanghai";
const OFFSET_MS = 8 * 3_600_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export interface PeriodFigures {
  paidFen: number;
  paidCount: number;
  createdCount: number;
  /** Orders created in the period that are paid, over orders created in it (0 when none). */
  conversion: number;
}

export interface DashboardStats {
  timezone: string;
  today: PeriodFigures & { date: string };
  month: PeriodFigures & { month: string };
  byHour: ({ hour: number } & Omit<PeriodFigures, "conversion">)[];
  byDay: ({ date: string } & Omit<PeriodFigures, "conversion">)[];
}

/**
 * Today's and this month's figures in the merchant's zone, by hour and by day: what was paid
 * (by the time it was paid) and what was ordered (by the time it was created), in integer fen.
 */
export async function dashboardStats(
  deps: Pick<AppDeps, "db" | "clock">,
  appId: string,
): Promise<DashboardStats> {
  const now = deps.clock.now();
  const localNow = new Date(now + OFFSET_MS);
  const dayStart = Math.floor((now + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS;
  const monthStart = Date.UTC(localNow.getUTCFullYear(), localNow.getUTCMonth(), 1) - OFFSET_MS;
  const dayEnd = dayStart + DAY_MS;
  const dateOf = (ms: number) => new Date(ms + OFFSET_MS).toISOString().slice(0, 10);

  const range = (from: number, sizeMs: number) => ({ appId, from, to: dayEnd, sizeMs, offsetMs: OFFSET_MS });
  const [paidByHour, createdByHour, paidByDay, createdByDay, createdPaidToday, createdPaidMonth] =
    await Promise.all([
      paidBuckets(deps.db, range(dayStart, HOUR_MS)),
      createdBuckets(deps.db, range(dayStart, HOUR_MS)),
      paidBuckets(deps.db, range(monthStart, DAY_MS)),
      createdBuckets(deps.db, range(monthStart, DAY_MS)),
      paidOfCreated(deps.db, { appId, from: dayStart, to: dayEnd }),
      paidOfCreated(deps.db, { appId, from: monthStart, to: dayEnd }),
    ]);

  const firstHour = (dayStart + OFFSET_MS) / HOUR_MS;
  const byHour = Array.from({ length: 24 }, (_, hour) => figures(hour, firstHour + hour));
  function figures(hour: number, bucket: number) {
    const paid = paidByHour.find((row) => row.bucket === bucket);
    const created = createdByHour.find((row) => row.bucket === bucket);
    return {
      hour,
      paidFen: paid?.amountFen ?? 0,
      paidCount: paid?.count ?? 0,
      createdCount: created?.count ?? 0,
    };
  }
  const firstDay = (monthStart + OFFSET_MS) / DAY_MS;
  const lastDay = (dayStart + OFFSET_MS) / DAY_MS;
  const byDay: DashboardStats["byDay"] = [];
  for (let bucket = firstDay; bucket <= lastDay; bucket += 1) {
    const paid = paidByDay.find((row) => row.bucket === bucket);
    const created = createdByDay.find((row) => row.bucket === bucket);
    byDay.push({
      date: dateOf(bucket * DAY_MS - OFFSET_MS),
      paidFen: paid?.amountFen ?? 0,
      paidCount: paid?.count ?? 0,
      createdCount: created?.count ?? 0,
    });
  }
  const total = (rows: typeof byHour | typeof byDay, paidOfCreatedCount: number): PeriodFigures => {
    const createdCount = rows.reduce((sum, row) => sum + row.createdCount, 0);
    return {
      paidFen: rows.reduce((sum, row) => sum + row.paidFen, 0),
      paidCount: rows.reduce((sum, row) => sum + row.paidCount, 0),
      createdCount,
      conversion: createdCount === 0 ? 0 : paidOfCreatedCount / createdCount,
    };
  };
  return {
    timezone: MERCHANT_TIME_ZONE,
    today: { date: dateOf(dayStart), ...total(byHour, createdPaidToday) },
    month: { month: dateOf(monthStart).slice(0, 7), ...total(byDay, createdPaidMonth) },
    byHour,
    byDay,
  };
}
