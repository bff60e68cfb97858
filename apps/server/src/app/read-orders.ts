import { findOrderForUser, listOrdersOfUser } from "../db/orders-repo.ts";
import { findPaymentsOfOrders } from "../db/payments-repo.ts";
import { listActiveProducts } from "../db/products-repo.ts";
import { refundedFenOfOrders } from "../db/refunds-repo.ts";
import { KassaError } from "../domain/errors.ts";
import { idPattern } from "../domain/ids.ts";
import { formatYuan } from "../domain/money.ts";
import type { AppDeps } from "./deps.ts";
import { loadOrderView, type OrderView, viewOrder } from "./order-view.ts";
import { decodeCursor, pageOfRows } from "./page-cursor.ts";

const ORDER_ID = idPattern("order");

export async function getOrder(
  deps: AppDeps,
  input: { userId: string; orderId: string },
): Promise<OrderView> {
  const order = await findOrderForUser(deps.db, input.orderId, input.userId);
  if (!order) throw new KassaError("ORDER_NOT_FOUND");
  return loadOrderView(deps.db, order);
}

export interface OrderPage {
  data: OrderView[];
  /** Send it back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

/**
 * The caller's own orders, newest first, a page at a time. Only the user's own orders are
 * read (the query is on user_id), so no cursor, forged or not, can reach another user's.
 * Three queries a page, whatever its size: orders, their lines, their payments.
 */
export async function listOrders(
  deps: AppDeps,
  input: { userId: string; limit: number; cursor: string | undefined },
): Promise<OrderPage> {
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, ORDER_ID);
  // One more than asked: whether it exists says if there is a next page.
  const orders = await listOrdersOfUser(deps.db, { userId: input.userId, after, limit: input.limit + 1 });
  const { page, nextCursor } = pageOfRows(orders, input.limit, (row) => row);
  const payments = await findPaymentsOfOrders(
    deps.db,
    page.map((order) => order.id),
  );
  const refunded = await refundedFenOfOrders(
    deps.db,
    page.map((order) => order.id),
  );
  return {
    data: page.map((order) => viewOrder(order, payments.get(order.id), refunded.get(order.id) ?? 0)),
    nextCursor,
  };
}

export interface CatalogItemView {
  id: string;
  name: string;
  priceFen: number;
  priceYuan: string;
  inStock: boolean;
}

/** An app's catalog: public, for the app the mini program names (or the default app). */
export async function getCatalog(
  deps: Pick<AppDeps, "db" | "apps">,
  appId: string | undefined,
): Promise<CatalogItemView[]> {
  const products = await listActiveProducts(deps.db, deps.apps.named(appId).id);
  return products.map((product) => ({
    id: product.id,
    name: product.name,
    priceFen: product.priceFen,
    priceYuan: formatYuan(product.priceFen),
    inStock: product.stock > 0,
  }));
}
