import type { Executor } from "./db/executor.ts";
import { DEFAULT_APP_ID } from "./db/migrations/0004-apps.ts";
import { DEFAULT_TIME_ZONE, epochToLocal, localToEpoch } from "./domain/booking/local-time.ts";

/** The demo catalog: a small tea shop, in fen. Seeded once; a second start keeps the data. */
export const DEMO_PRODUCTS = [
  { id: "prd_jasmine_tea", name: "茉莉花茶 Jasmine tea", price_fen: 1200, stock: 100 },
  { id: "prd_oolong_tea", name: "乌龙茶 Oolong tea", price_fen: 1800, stock: 100 },
  { id: "prd_mooncake", name: "月饼 Mooncake", price_fen: 2550, stock: 20 },
  { id: "prd_one_fen_test", name: "一分钱测试 One-fen test", price_fen: 1, stock: 1000 },
] as const;

export async function seedDemoCatalog(db: Executor, now: number): Promise<number> {
  const result = await db
    .insertInto("products")
    .values(
      DEMO_PRODUCTS.map((product) => ({ ...product, app_id: DEFAULT_APP_ID, active: 1, created_at: now })),
    )
    .onConflict((conflict) => conflict.column("id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n);
}

/** The demo shop's top-up tiers (issue 9 §3): pay ¥100.00 get ¥110.00, and a plain ¥50.00. */
export const DEMO_TIERS = [
  { id: "wtr_demo_100", amount_fen: 10_000, bonus_fen: 1_000 },
  { id: "wtr_demo_50", amount_fen: 5_000, bonus_fen: 0 },
] as const;

export async function seedDemoTiers(db: Executor, now: number): Promise<void> {
  await db
    .insertInto("wallet_tiers")
    .values(
      DEMO_TIERS.map((tier) => ({
        ...tier,
        app_id: DEFAULT_APP_ID,
        active: 1,
        created_at: now,
        updated_at: now,
      })),
    )
    .onConflict((conflict) => conflict.column("id").doNothing())
    .execute();
}

/** The demo shop's class (服务预订, issue 10): booked by the slot, with the policy docs/scenarios.md shows. */
export const DEMO_SERVICE = {
  id: "svc_demo_tea_class",
  name: "茶艺课 Tea ceremony class",
  cancellationPolicy: [
    { beforeStartHours: 24, refundPercent: 100 },
    { beforeStartHours: 2, refundPercent: 50 },
  ],
} as const;

/**
 * The class and a slot at 19:00 Beijing time on each of the next three days (12 seats,
 * ¥88.00). Slots are named by their day, so every start adds the days still missing and a
 * demo always has slots to book; those made before stay as they are.
 */
export async function seedDemoBookings(db: Executor, now: number): Promise<void> {
  await db
    .insertInto("booking_services")
    .values({
      id: DEMO_SERVICE.id,
      app_id: DEFAULT_APP_ID,
      name: DEMO_SERVICE.name,
      cancellation_policy: JSON.stringify(DEMO_SERVICE.cancellationPolicy),
      created_at: now,
      updated_at: now,
    })
    .onConflict((conflict) => conflict.column("id").doNothing())
    .execute();
  const slots = [1, 2, 3].map((days) => {
    const day = epochToLocal(now + days * 86_400_000, DEFAULT_TIME_ZONE).slice(0, 10);
    const startsAt = localToEpoch(`${day}T19:00`, DEFAULT_TIME_ZONE)!;
    return {
      id: `slt_demo_${day.replaceAll("-", "")}`,
      app_id: DEFAULT_APP_ID,
      service_id: DEMO_SERVICE.id,
      starts_at: startsAt,
      ends_at: startsAt + 90 * 60_000,
      time_zone: DEFAULT_TIME_ZONE,
      capacity: 12,
      seats_held: 0,
      price_fen: 8_800,
      status: "OPEN" as const,
      created_at: now,
      updated_at: now,
      cancelled_at: null,
    };
  });
  await db
    .insertInto("booking_slots")
    .values(slots)
    .onConflict((conflict) => conflict.column("id").doNothing())
    .execute();
}

/** The demo shop's tip recipient (打赏, issue 10): ¥1.00 to ¥200.00 a tip, ¥500.00 a day per payer. */
export const DEMO_RECIPIENT = {
  id: "rcp_demo_host",
  name: "主播小王 Host Wang",
  presetAmountsFen: [100, 666, 1888],
  minFen: 100,
  maxFen: 20_000,
  dailyCapFen: 50_000,
} as const;

export async function seedDemoRecipients(db: Executor, now: number): Promise<void> {
  await db
    .insertInto("tip_recipients")
    .values({
      id: DEMO_RECIPIENT.id,
      app_id: DEFAULT_APP_ID,
      name: DEMO_RECIPIENT.name,
      preset_amounts: JSON.stringify(DEMO_RECIPIENT.presetAmountsFen),
      min_fen: DEMO_RECIPIENT.minFen,
      max_fen: DEMO_RECIPIENT.maxFen,
      daily_cap_fen: DEMO_RECIPIENT.dailyCapFen,
      time_zone: DEFAULT_TIME_ZONE,
      active: 1,
      created_at: now,
      updated_at: now,
    })
    .onConflict((conflict) => conflict.column("id").doNothing())
    .execute();
}
