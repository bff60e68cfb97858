import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * Issue 7, items 2 and 3: multi-item orders sent at once must not deadlock each other
 * (PostgreSQL aborted 71 of 80), and one user must not be able to hold the catalog.
 */
let kassa: KassaUnderTest;

beforeAll(async () => {
  kassa = await KassaUnderTest.start({
    KASSA_MAX_OPEN_ORDERS_PER_USER: "3",
    KASSA_MAX_HELD_UNITS_PER_USER: "120",
  });
});
afterAll(async () => {
  await kassa?.close();
});

type Line = { productId: string; quantity: number };
const order = (token: string, items: Line[]) =>
  kassa.request("POST", "/v1/orders", { token, body: { items } });
const stockOf = async (productId: string) =>
  (
    await kassa.running.kassa.deps.db
      .selectFrom("products")
      .select("stock")
      .where("id", "=", productId)
      .executeTakeFirstOrThrow()
  ).stock;

describe("concurrent multi-item orders", () => {
  it("never deadlock: [A, B] and [B, A] sent at once by many users all succeed, stock exact", async () => {
    const tokens = await Promise.all(Array.from({ length: 20 }, () => kassa.login()));
    const [a, b] = ["prd_jasmine_tea", "prd_oolong_tea"];
    const before = { a: await stockOf(a), b: await stockOf(b) };
    const answers = await Promise.all(
      tokens.flatMap((token) => [
        order(token, [
          { productId: a, quantity: 1 },
          { productId: b, quantity: 1 },
        ]),
        order(token, [
          { productId: b, quantity: 1 },
          { productId: a, quantity: 1 },
        ]),
      ]),
    );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 201));
    expect(await stockOf(a)).toBe(before.a - answers.length);
    expect(await stockOf(b)).toBe(before.b - answers.length);
  });
});

describe("one user cannot hold the catalog", () => {
  it("caps a product's units after merging repeated lines (ten lines of 99 are 990)", async () => {
    const token = await kassa.login();
    const before = await stockOf("prd_one_fen_test");
    const split = await order(
      token,
      Array.from({ length: 10 }, () => ({ productId: "prd_one_fen_test", quantity: 99 })),
    );
    expect(split.status).toBe(400);
    expect(split.body).toMatchObject({
      code: "ORDER_QUANTITY_TOO_LARGE",
      details: { productId: "prd_one_fen_test" },
    });
    expect(await stockOf("prd_one_fen_test")).toBe(before);
  });

  it("caps the units one user holds across open orders, and frees them when an order closes", async () => {
    const token = await kassa.login();
    const first = await order(token, [{ productId: "prd_one_fen_test", quantity: 99 }]);
    expect(first.status).toBe(201);
    const over = await order(token, [{ productId: "prd_one_fen_test", quantity: 30 }]);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({
      code: "ORDER_LIMIT_REACHED",
      details: { limit: "held_units", max: 120 },
    });
    expect((await order(token, [{ productId: "prd_one_fen_test", quantity: 21 }])).status).toBe(201);

    const id = (first.body as { id: string }).id;
    expect((await kassa.request("POST", `/v1/orders/${id}/cancel`, { token })).body).toMatchObject({
      status: "CLOSED",
    });
    expect((await order(token, [{ productId: "prd_one_fen_test", quantity: 30 }])).status).toBe(201);
  });

  it("caps open orders per user, counting orders sent at the same moment", async () => {
    const token = await kassa.login();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => order(token, [{ productId: "prd_jasmine_tea", quantity: 1 }])),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([201, 201, 201, 409, 409, 409, 409, 409]);
    const refused = answers.find((answer) => answer.status === 409);
    expect(refused?.body).toMatchObject({
      code: "ORDER_LIMIT_REACHED",
      details: { limit: "open_orders", max: 3 },
    });
  });

  it("lets another user order while one is at the cap", async () => {
    const capped = await kassa.login();
    for (let i = 0; i < 3; i += 1)
      expect((await order(capped, [{ productId: "prd_oolong_tea", quantity: 1 }])).status).toBe(201);
    expect((await order(capped, [{ productId: "prd_oolong_tea", quantity: 1 }])).status).toBe(409);
    const other = await kassa.login();
    expect((await order(other, [{ productId: "prd_oolong_tea", quantity: 1 }])).status).toBe(201);
  });
});
