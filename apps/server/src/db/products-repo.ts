import { toFen } from "../domain/money.ts";
import type { CatalogProduct } from "../domain/pricing.ts";
import type { Executor } from "./executor.ts";

/** An app's catalog: only its own products (issue 8: no query crosses apps). */
export async function listActiveProducts(db: Executor, appId: string): Promise<CatalogProduct[]> {
  const rows = await db
    .selectFrom("products")
    .selectAll()
    .where("app_id", "=", appId)
    .where("active", "=", 1)
    .orderBy("created_at")
    .execute();
  return rows.map(toCatalogProduct);
}

/** These products of this app; another app's product is missing from the map, as unknown. */
export async function loadProducts(
  db: Executor,
  appId: string,
  ids: readonly string[],
): Promise<Map<string, CatalogProduct>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom("products")
    .selectAll()
    .where("app_id", "=", appId)
    .where("id", "in", ids)
    .execute();
  return new Map(rows.map((row) => [row.id, toCatalogProduct(row)]));
}

/**
 * Hold stock with a compare-and-set (design.md convention 2): the row changes only if
 * enough is left, so two concurrent orders can never both take the last unit. The
 * `stock >= 0` check constraint is the second line of defence.
 */
export async function holdStock(db: Executor, productId: string, quantity: number): Promise<boolean> {
  const result = await db
    .updateTable("products")
    .set((eb) => ({ stock: eb("stock", "-", quantity) }))
    .where("id", "=", productId)
    .where("stock", ">=", quantity)
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

export async function releaseStock(db: Executor, productId: string, quantity: number): Promise<void> {
  await db
    .updateTable("products")
    .set((eb) => ({ stock: eb("stock", "+", quantity) }))
    .where("id", "=", productId)
    .execute();
}

function toCatalogProduct(row: {
  id: string;
  name: string;
  price_fen: number;
  stock: number;
  active: number;
}) {
  return {
    id: row.id,
    name: row.name,
    priceFen: toFen(row.price_fen),
    stock: row.stock,
    active: row.active === 1,
  };
}
