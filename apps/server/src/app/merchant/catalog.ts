import type { Executor } from "../../db/executor.ts";
import {
  adjustStock,
  findProductOfApp,
  insertProduct,
  listProductsOfApp,
  type ProductRow,
  setStock,
  updateProduct,
} from "../../db/merchant-products-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { makeId } from "../../domain/ids.ts";
import { formatYuan, toFen } from "../../domain/money.ts";
import type { AppDeps } from "../deps.ts";
import { decodeCursor, pageOfRows } from "../page-cursor.ts";

/** A product as the merchant sees it: stock is what can still be sold (held units are out). */
export interface ProductView {
  id: string;
  name: string;
  priceFen: number;
  priceYuan: string;
  stock: number;
  active: boolean;
  createdAt: string;
}

/** A merchant-chosen product id: `prd_` and 1-60 of [0-9A-Za-z_-] (the shape Kassa's own ids have). */
export const PRODUCT_ID = /^prd_[0-9A-Za-z_-]{1,60}$/;

export function viewProduct(row: ProductRow): ProductView {
  return {
    id: row.id,
    name: row.name,
    priceFen: row.price_fen,
    priceYuan: formatYuan(toFen(row.price_fen)),
    stock: row.stock,
    active: row.active === 1,
    createdAt: new Date(row.created_at).toISOString(),
  };
}

export async function listProducts(
  deps: AppDeps,
  input: { appId: string; limit: number; cursor: string | undefined },
): Promise<{ data: ProductView[]; nextCursor: string | null }> {
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, PRODUCT_ID);
  const rows = await listProductsOfApp(deps.db, { appId: input.appId, after, limit: input.limit + 1 });
  const { page, nextCursor } = pageOfRows(rows, input.limit, (row) => ({
    createdAt: row.created_at,
    id: row.id,
  }));
  return {
    data: page.map(viewProduct),
    nextCursor,
  };
}

export async function getProduct(deps: AppDeps, appId: string, productId: string): Promise<ProductView> {
  return viewProduct(found(await findProductOfApp(deps.db, appId, productId)));
}

export async function createProduct(
  deps: AppDeps,
  trx: Executor,
  input: {
    appId: string;
    id?: string | undefined;
    name: string;
    priceFen: number;
    stock: number;
    active: boolean;
  },
): Promise<ProductView> {
  const row: ProductRow = {
    id: input.id ?? makeId("product", deps.ids),
    app_id: input.appId,
    name: input.name,
    price_fen: input.priceFen,
    stock: input.stock,
    active: input.active ? 1 : 0,
    created_at: deps.clock.now(),
  };
  if (!(await insertProduct(trx, row))) throw new KassaError("PRODUCT_ID_TAKEN", { productId: row.id });
  return viewProduct(row);
}

export async function changeProduct(
  trx: Executor,
  input: {
    appId: string;
    productId: string;
    name?: string | undefined;
    priceFen?: number | undefined;
    active?: boolean | undefined;
  },
): Promise<ProductView> {
  const row = await updateProduct(trx, {
    appId: input.appId,
    productId: input.productId,
    set: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.priceFen !== undefined ? { price_fen: input.priceFen } : {}),
      ...(input.active !== undefined ? { active: input.active ? 1 : 0 } : {}),
    },
  });
  return viewProduct(found(row));
}

/** `{stock}` sets it; `{adjust}` adds to it atomically, refusing to go below zero. */
export async function changeStock(
  trx: Executor,
  input: { appId: string; productId: string } & ({ stock: number } | { adjust: number }),
): Promise<ProductView> {
  if ("stock" in input) return viewProduct(found(await setStock(trx, { ...input, stock: input.stock })));
  const row = await adjustStock(trx, { ...input, delta: input.adjust });
  if (row) return viewProduct(row);
  const product = found(await findProductOfApp(trx, input.appId, input.productId));
  throw new KassaError("PRODUCT_STOCK_TOO_LOW", {
    productId: product.id,
    stock: product.stock,
    adjust: input.adjust,
  });
}

function found(row: ProductRow | undefined): ProductRow {
  if (!row) throw new KassaError("CATALOG_PRODUCT_NOT_FOUND");
  return row;
}
