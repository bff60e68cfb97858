import { describe, expect, it } from "vitest";
import { toFen } from "./money.ts";
import { type CatalogProduct, describeOrder, MAX_QUANTITY_PER_PRODUCT, priceOrder } from "./pricing.ts";

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

  it("caps the units of one product after merging its lines, so split lines cannot dodge the cap", () => {
    const big = new Map(catalog);
    big.set("prd_tea", { id: "prd_tea", name: "Tea", priceFen: toFen(1200), stock: 10_000, active: true });
    const tenLinesOf99 = Array.from({ length: 10 }, () => ({ productId: "prd_tea", quantity: 99 }));
    expect(priceOrder(tenLinesOf99, big)).toEqual({
      ok: false,
      code: "ORDER_QUANTITY_TOO_LARGE",
      productId: "prd_tea",
    });
    const exactlyTheCap = [
      { productId: "prd_tea", quantity: 90 },
      { productId: "prd_tea", quantity: MAX_QUANTITY_PER_PRODUCT - 90 },
    ];
    expect(priceOrder(exactlyTheCap, big)).toMatchObject({ ok: true, lines: [{ quantity: 99 }] });
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
