import type { Executor } from "./db/executor.ts";
import { DEFAULT_APP_ID } from "./db/migrations/0004-apps.ts";

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
