import { addFen, type Fen, MAX_ORDER_FEN, multiplyFen, toFen } from "./money.ts";
import type { OrderLine } from "./order.ts";

/**
 * Kassa computes every amount on the server (product.md step 2): the client names products
 * and quantities, never prices. This is the whole rule, pure, so it is tested alone.
 */
export interface RequestedLine {
  productId: string;
  quantity: number;
}

export interface CatalogProduct {
  id: string;
  name: string;
  priceFen: Fen;
  stock: number;
  active: boolean;
}

export type PricingResult =
  | { ok: true; lines: OrderLine[]; amountFen: Fen }
  | {
      ok: false;
      code:
        | "PRODUCT_NOT_FOUND"
        | "PRODUCT_OUT_OF_STOCK"
        | "ORDER_AMOUNT_TOO_LARGE"
        | "ORDER_QUANTITY_TOO_LARGE";
      productId?: string;
    };

/** The most units of one product one order may take, counted after lines are merged. */
export const MAX_QUANTITY_PER_PRODUCT = 99;

/**
 * Lines for the same product are merged first, and every limit is checked on the merged
 * line, so a client cannot split a line to dodge one (ten lines of 99 are one line of 990).
 */
export function priceOrder(
  requested: readonly RequestedLine[],
  catalog: ReadonlyMap<string, CatalogProduct>,
): PricingResult {
  const quantities = new Map<string, number>();
  for (const line of requested)
    quantities.set(line.productId, (quantities.get(line.productId) ?? 0) + line.quantity);
  const lines: OrderLine[] = [];
  let amountFen = toFen(0);
  for (const [productId, quantity] of quantities) {
    const product = catalog.get(productId);
    if (!product?.active) return { ok: false, code: "PRODUCT_NOT_FOUND", productId };
    if (quantity > MAX_QUANTITY_PER_PRODUCT)
      return { ok: false, code: "ORDER_QUANTITY_TOO_LARGE", productId };
    if (product.stock < quantity) return { ok: false, code: "PRODUCT_OUT_OF_STOCK", productId };
    const lineFen = multiplyFen(product.priceFen, quantity);
    amountFen = addFen(amountFen, lineFen);
    if (amountFen > MAX_ORDER_FEN) return { ok: false, code: "ORDER_AMOUNT_TOO_LARGE" };
    lines.push({ productId, name: product.name, quantity, unitPriceFen: product.priceFen });
  }
  return { ok: true, lines, amountFen };
}

/** WeChat Pay's description (§5.1): at most 127 characters, shown in the payer's bill. */
export function describeOrder(lines: readonly OrderLine[]): string {
  const first = lines[0];
  if (!first) return "";
  const text =
    lines.length === 1 ? `${first.name} x${first.quantity}` : `${first.name} 等${lines.length}件商品`;
  return [...text].slice(0, 127).join("");
}
