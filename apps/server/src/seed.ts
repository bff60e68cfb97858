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
