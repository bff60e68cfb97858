import { findOrderForUser } from "../db/orders-repo.ts";
import { listActiveProducts } from "../db/products-repo.ts";
import { KassaError } from "../domain/errors.ts";
import { formatYuan } from "../domain/money.ts";
import type { AppDeps } from "./deps.ts";
import { loadOrderView, type OrderView } from "./order-view.ts";

export async function getOrder(
  deps: AppDeps,
  input: { userId: string; orderId: string },
): Promise<OrderView> {
  const order = await findOrderForUser(deps.db, input.orderId, input.userId);
  if (!order) throw new KassaError("ORDER_NOT_FOUND");
  return loadOrderView(deps.db, order);
}

export interface CatalogItemView {
  id: string;
  name: string;
  priceFen: number;
  priceYuan: string;
  inStock: boolean;
}

export async function getCatalog(deps: Pick<AppDeps, "db">): Promise<CatalogItemView[]> {
  const products = await listActiveProducts(deps.db);
  return products.map((product) => ({
    id: product.id,
    name: product.name,
    priceFen: product.priceFen,
    priceYuan: formatYuan(product.priceFen),
    inStock: product.stock > 0,
  }));
}
