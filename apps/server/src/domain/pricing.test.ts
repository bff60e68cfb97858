import { describe, expect, it } from "vitest";
import { toFen } from "./money.ts";
import { type CatalogProduct, describeOrder, priceOrder } from "./pricing.ts";

const catalog = new Map<string, CatalogProduct>([
  ["prd_tea", { id: "prd_tea", name: "Tea", priceFen: toFen(1200), stock: 5, active: true }],
  ["prd_cake", { id: "prd_cake", name: "Cake", priceFen: toFen(2550), stock: 1, active: true }],
  ["prd_old", { id: "prd_old", name: "Old", priceFen: toFen(100), stock: 9, active: false }],
  ["prd_gold", { id: "prd_gold", name: "Gold", priceFen: toFen(600_000_000), stock: 9, active: true }],
]);

describe("priceOrder", () => {
  it("computes the amount from the catalog's prices, in fen", () => {
    const result = priceOrder(
      [
        { productId: "prd_tea", quantity: 2 },
        { productId: "prd_cake", quantity: 1 },
      ],
      catalog,
    );
    expect(result).toMatchObject({ ok: true, amountFen: 4950 });
  });

  it("merges repeated lines before checking stock", () => {
    const result = priceOrder(
      [
        { productId: "prd_cake", quantity: 1 },
        { productId: "prd_cake", quantity: 1 },
      ],
      catalog,
    );
    expect(result).toEqual({ ok: false, code: "PRODUCT_OUT_OF_STOCK", productId: "prd_cake" });
  });

  it("refuses unknown and inactive products", () => {
    expect(priceOrder([{ productId: "prd_none", quantity: 1 }], catalog)).toMatchObject({
      code: "PRODUCT_NOT_FOUND",
    });
    expect(priceOrder([{ productId: "prd_old", quantity: 1 }], catalog)).toMatchObject({
      code: "PRODUCT_NOT_FOUND",
    });
  });

  it("refuses a total above the per-order ceiling", () => {
    expect(priceOrder([{ productId: "prd_gold", quantity: 2 }], catalog)).toMatchObject({
      code: "ORDER_AMOUNT_TOO_LARGE",
    });
  });
});

describe("describeOrder", () => {
  it("stays within WeChat Pay's 127 characters (§5.1)", () => {
    const name = "长".repeat(200);
    expect([...describeOrder([{ productId: "p", name, quantity: 1, unitPriceFen: toFen(1) }])]).toHaveLength(
      127,
    );
  });
});
