import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";

/**
 * Issue 8 §5.2 and §5.5: the merchant runs its catalog over the API. Products are made with
 * Kassa's id or the merchant's, renamed, repriced (orders keep their prices), deactivated;
 * stock is set or adjusted atomically (no lost update, never below zero); lists page on a
 * cursor; every POST honours Idempotency-Key as the mini program API does.
 */
let kassa: KassaUnderTest;
let key: string;
let payer: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  key = (await makeApiKey(kassa)).secret;
  payer = await kassa.login();
});
afterAll(async () => {
  await kassa?.close();
});

interface Product {
  id: string;
  name: string;
  priceFen: number;
  stock: number;
  active: boolean;
}
const auth = (headers: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...headers });
const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
  kassa.request("POST", path, { headers: auth(headers), ...(body === undefined ? {} : { body }) });
const get = (path: string) => kassa.request("GET", path, { headers: auth() });
const product = async (id: string) => (await get(`/merchant/v1/products/${id}`)).body as Product;
const create = async (body: Record<string, unknown>) => {
  const answer = await post("/merchant/v1/products", body);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as Product;
};
const order = (productId: string, quantity = 1) =>
  kassa.request("POST", "/v1/orders", { token: payer, body: { items: [{ productId, quantity }] } });

describe("the merchant API's catalog", () => {
  it("makes a product with Kassa's id (prd_ and 26 characters) or the merchant's, and refuses a taken or malformed id", async () => {
    const made = await create({ name: "白茶 White tea", priceFen: 2200, stock: 5 });
    expect(made).toMatchObject({ name: "白茶 White tea", priceFen: 2200, stock: 5, active: true });
    expect(made.id).toMatch(/^prd_[0-9a-z]{26}$/);
    expect(await create({ id: "prd_pu_erh", name: "Pu-erh", priceFen: 3200 })).toMatchObject({
      id: "prd_pu_erh",
      stock: 0,
    });
    const taken = await post("/merchant/v1/products", { id: "prd_pu_erh", name: "Again", priceFen: 1 });
    expect(taken.status).toBe(409);
    expect(taken.body).toMatchObject({ code: "PRODUCT_ID_TAKEN", details: { productId: "prd_pu_erh" } });
    for (const body of [
      { id: "tea", name: "x", priceFen: 1 },
      { id: "prd_has space", name: "x", priceFen: 1 },
      { name: "x", priceFen: 0 },
      { name: "x", priceFen: 12.5 },
      { name: "x", priceFen: 100, amountFen: 1 },
      { name: "", priceFen: 100 },
    ]) {
      const answer = await post("/merchant/v1/products", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ code: "REQUEST_INVALID" });
    }
  });

  it("changes a price for new orders only: an order made before keeps its line price and total", async () => {
    await create({ id: "prd_green_tea", name: "Green tea", priceFen: 1000, stock: 10 });
    const before = (await order("prd_green_tea", 2)).body as { id: string; amountFen: number };
    expect(before.amountFen).toBe(2000);
    const changed = await post("/merchant/v1/products/prd_green_tea", {
      priceFen: 1500,
      name: "Green tea 2026",
    });
    expect(changed.body).toMatchObject({ priceFen: 1500, priceYuan: "15.00", name: "Green tea 2026" });
    const kept = (await kassa.request("GET", `/v1/orders/${before.id}`, { token: payer })).body;
    expect(kept).toMatchObject({
      amountFen: 2000,
      lines: [{ productId: "prd_green_tea", name: "Green tea", unitPriceFen: 1000, quantity: 2 }],
    });
    expect(((await order("prd_green_tea")).body as { amountFen: number }).amountFen).toBe(1500);
    expect((await post("/merchant/v1/products/prd_green_tea", {})).status).toBe(400);
    expect((await post("/merchant/v1/products/prd_nothing", { priceFen: 1 })).body).toMatchObject({
      code: "CATALOG_PRODUCT_NOT_FOUND",
    });
  });

  it("takes a deactivated product out of the catalog and out of new orders, and back in when activated", async () => {
    await create({ id: "prd_seasonal", name: "Seasonal", priceFen: 800, stock: 3 });
    expect((await post("/merchant/v1/products/prd_seasonal/deactivate")).body).toMatchObject({
      active: false,
    });
    const catalog = (await kassa.request("GET", "/v1/catalog")).body as { items: { id: string }[] };
    expect(catalog.items.map((item) => item.id)).not.toContain("prd_seasonal");
    expect((await order("prd_seasonal")).body).toMatchObject({ code: "PRODUCT_NOT_FOUND" });
    expect((await post("/merchant/v1/products/prd_seasonal/deactivate", { active: true })).status).toBe(400);
    expect((await post("/merchant/v1/products/prd_seasonal/activate")).body).toMatchObject({ active: true });
    expect((await order("prd_seasonal")).status).toBe(201);
  });

  it("sets and adjusts stock, and refuses an adjust below zero with what is left, changing nothing", async () => {
    await create({ id: "prd_counted", name: "Counted", priceFen: 100, stock: 1 });
    expect((await post("/merchant/v1/products/prd_counted/stock", { stock: 7 })).body).toMatchObject({
      stock: 7,
    });
    expect((await post("/merchant/v1/products/prd_counted/stock", { adjust: -2 })).body).toMatchObject({
      stock: 5,
    });
    const refused = await post("/merchant/v1/products/prd_counted/stock", { adjust: -6 });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: "PRODUCT_STOCK_TOO_LOW", details: { stock: 5, adjust: -6 } });
    expect((await product("prd_counted")).stock).toBe(5);
    for (const body of [{ stock: -1 }, { stock: 1, adjust: 1 }, {}, { adjust: 1.5 }]) {
      expect((await post("/merchant/v1/products/prd_counted/stock", body)).status, JSON.stringify(body)).toBe(
        400,
      );
    }
  });

  it("loses no update among 20 concurrent adjusts: +1 twenty times adds 20, and -1 twenty times on 10 takes exactly 10", async () => {
    await create({ id: "prd_busy", name: "Busy", priceFen: 100, stock: 10 });
    const adjust = (delta: number) => post("/merchant/v1/products/prd_busy/stock", { adjust: delta });
    const up = await Promise.all(Array.from({ length: 20 }, () => adjust(1)));
    expect(up.every((answer) => answer.status === 200)).toBe(true);
    expect((await product("prd_busy")).stock).toBe(30);
    await post("/merchant/v1/products/prd_busy/stock", { stock: 10 });
    const down = await Promise.all(Array.from({ length: 20 }, () => adjust(-1)));
    expect(down.filter((answer) => answer.status === 200)).toHaveLength(10);
    expect(down.filter((answer) => answer.status === 409)).toHaveLength(10);
    expect((await product("prd_busy")).stock).toBe(0);
  });

  it("pages the whole catalog oldest first on a cursor, without repeats, and refuses a cursor it did not give", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await get(`/merchant/v1/products?limit=2${cursor ? `&cursor=${cursor}` : ""}`)).body as {
        data: Product[];
        nextCursor: string | null;
      };
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((p) => p.id));
      cursor = page.nextCursor;
    } while (cursor);
    const all = await kassa.running.kassa.deps.db
      .selectFrom("products")
      .select("id")
      .where("app_id", "=", "app_default")
      .execute();
    expect(seen.sort()).toEqual(all.map((row) => row.id).sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect((await get("/merchant/v1/products?cursor=bm9wZQ")).body).toMatchObject({
      code: "REQUEST_INVALID",
    });
    expect((await get("/merchant/v1/products?limit=101")).status).toBe(400);
  });

  it("answers a repeated Idempotency-Key with the first answer and makes nothing twice; another body or route is IDEMPOTENCY_KEY_REUSED", async () => {
    const body = { name: "Once", priceFen: 900, stock: 1 };
    const first = await post("/merchant/v1/products", body, { "idempotency-key": "erp-once-1" });
    const again = await post("/merchant/v1/products", body, { "idempotency-key": "erp-once-1" });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const named = await kassa.running.kassa.deps.db
      .selectFrom("products")
      .select("id")
      .where("name", "=", "Once")
      .execute();
    expect(named).toHaveLength(1);
    const other = await post(
      "/merchant/v1/products",
      { ...body, priceFen: 901 },
      { "idempotency-key": "erp-once-1" },
    );
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    const id = (first.body as Product).id;
    const route = await post(
      `/merchant/v1/products/${id}/stock`,
      { stock: 1 },
      { "idempotency-key": "erp-once-1" },
    );
    expect(route.body).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
    const invalid = await post("/merchant/v1/products", body, { "idempotency-key": "has space" });
    expect(invalid.body).toMatchObject({ code: "IDEMPOTENCY_KEY_INVALID" });
  });

  it("replays an adjust instead of applying it twice, and frees a key whose request was refused", async () => {
    await create({ id: "prd_replayed", name: "Replayed", priceFen: 100, stock: 5 });
    const adjust = () =>
      post("/merchant/v1/products/prd_replayed/stock", { adjust: -2 }, { "idempotency-key": "erp-adjust-1" });
    await adjust();
    await adjust();
    expect((await product("prd_replayed")).stock).toBe(3);
    const refused = await post(
      "/merchant/v1/products",
      { id: "prd_replayed", name: "x", priceFen: 1 },
      { "idempotency-key": "erp-retry-1" },
    );
    expect(refused.status).toBe(409);
    const fixed = await post(
      "/merchant/v1/products",
      { id: "prd_replayed", name: "x", priceFen: 1 },
      { "idempotency-key": "erp-retry-1" },
    );
    expect(fixed.status).toBe(409);
    expect(fixed.headers.get("idempotent-replayed")).toBeNull();
  });
});
