import type { Executor } from "./executor.ts";
import { type PagePosition, pageAfter } from "./keyset-page.ts";
import type { ProductsTable } from "./schema.ts";

/**
 * The catalog as the merchant API changes it: every query names the key's app, so a key of
 * one app can neither read nor change another's products (issue 8 §5).
 */
export type ProductRow = { [K in keyof ProductsTable]: ProductsTable[K] };

export async function listProductsOfApp(
  db: Executor,
  query: { appId: string; after: PagePosition | undefined; limit: number },
): Promise<ProductRow[]> {
  const { after } = query;
  let rows = db.selectFrom("products").selectAll().where("app_id", "=", query.appId);
  rows = pageAfter(rows, { sort: "created_at", id: "id" }, after);
  return rows.limit(query.limit).execute();
}

export async function findProductOfApp(
  db: Executor,
  appId: string,
  productId: string,
): Promise<ProductRow | undefined> {
  return db
    .selectFrom("products")
    .selectAll()
    .where("app_id", "=", appId)
    .where("id", "=", productId)
    .executeTakeFirst();
}

/** False when the id is taken (by any app: product ids are one namespace). */
export async function insertProduct(db: Executor, row: ProductRow): Promise<boolean> {
  const result = await db
    .insertInto("products")
    .values(row)
    .onConflict((conflict) => conflict.column("id").doNothing())
    .executeTakeFirst();
  return result.numInsertedOrUpdatedRows === 1n;
}

/** Name, price or active flag; orders keep their own line prices (order_lines), so none changes. */
export async function updateProduct(
  db: Executor,
  input: {
    appId: string;
    productId: string;
    set: Partial<Pick<ProductRow, "name" | "price_fen" | "active">>;
  },
): Promise<ProductRow | undefined> {
  if (Object.keys(input.set).length === 0) return findProductOfApp(db, input.appId, input.productId);
  return db
    .updateTable("products")
    .set(input.set)
    .where("app_id", "=", input.appId)
    .where("id", "=", input.productId)
    .returningAll()
    .executeTakeFirst();
}

export async function setStock(
  db: Executor,
  input: { appId: string; productId: string; stock: number },
): Promise<ProductRow | undefined> {
  return db
    .updateTable("products")
    .set({ stock: input.stock })
    .where("app_id", "=", input.appId)
    .where("id", "=", input.productId)
    .returningAll()
    .executeTakeFirst();
}

/**
 * A relative change in one statement, `stock = stock + delta WHERE stock + delta >= 0`: the
 * database adds to the value it holds, so concurrent adjusts never lose one another, and one
 * that would go below zero changes nothing. Undefined: no such product, or not enough stock.
 */
export async function adjustStock(
  db: Executor,
  input: { appId: string; productId: string; delta: number },
): Promise<ProductRow | undefined> {
  return db
    .updateTable("products")
    .set((eb) => ({ stock: eb("stock", "+", input.delta) }))
    .where("app_id", "=", input.appId)
    .where("id", "=", input.productId)
    .where((eb) => eb(eb("stock", "+", input.delta), ">=", 0))
    .returningAll()
    .executeTakeFirst();
}
