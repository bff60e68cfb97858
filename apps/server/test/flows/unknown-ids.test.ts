import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * Issue 8 §6.3: what a new user types by mistake. A product id that names no product answers
 * 404 PRODUCT_NOT_FOUND with the id, whatever it looks like, and stores nothing. An order id
 * of any wrong shape answers 404 ORDER_NOT_FOUND exactly as an unknown one does, on every
 * route that takes one: the answer tells nothing about which ids exist or what they look like.
 */
let kassa: KassaUnderTest;
let token: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  token = await kassa.login();
});
afterAll(async () => {
  await kassa?.close();
});
// Every money flow ends with books that hold (issue 9 §1).
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

async function counts() {
  const db = kassa.running.kassa.deps.db;
  const count = async (table: "orders" | "payments" | "idempotency_keys" | "jobs") =>
    (await db.selectFrom(table).selectAll().execute()).length;
  const stock = await db.selectFrom("products").select(["id", "stock"]).orderBy("id").execute();
  return {
    orders: await count("orders"),
    payments: await count("payments"),
    keys: await count("idempotency_keys"),
    jobs: await count("jobs"),
    stock,
  };
}

describe("POST /v1/orders with a product id that names no product", () => {
  it.each([
    ["a word", "tea"],
    ["a product-like id", "prd_unknown"],
    ["Chinese text", "茉莉花茶"],
    ["text with spaces", "jasmine tea"],
    ["64 characters", "p".repeat(64)],
  ])(
    "answers 404 PRODUCT_NOT_FOUND with details.productId for %s, and stores nothing",
    async (_, productId) => {
      const before = await counts();
      const answer = await kassa.request("POST", "/v1/orders", {
        token,
        body: {
          items: [
            { productId: "prd_jasmine_tea", quantity: 1 },
            { productId, quantity: 1 },
          ],
        },
        headers: { "idempotency-key": `unknown-product-${productId.length}` },
      });
      expect(answer.status).toBe(404);
      expect(answer.body).toEqual({
        code: "PRODUCT_NOT_FOUND",
        message: expect.any(String),
        requestId: expect.any(String),
        details: { productId },
      });
      expect(await counts()).toEqual(before);
    },
  );

  it.each([
    ["empty", ""],
    ["65 characters", "p".repeat(65)],
    ["a control character", "prd_\u0000tea"],
    ["a bidi override", "prd_\u202Etea"],
  ])("refuses a product id that is %s with REQUEST_INVALID naming the field", async (_, productId) => {
    const answer = await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId, quantity: 1 }] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: "REQUEST_INVALID",
      details: { issues: [{ field: "body/items/0/productId" }] },
    });
  });
});

describe("an order id of the wrong shape is an unknown order", () => {
  const WRONG_SHAPES = [
    ["a word", "xyz"],
    ["the prefix alone", "ord_"],
    ["ord_ and 500 characters", `ord_${"a".repeat(500)}`],
    ["upper case", "ord_ABCDEFGHIJKLMNOPQRSTUVWXYZ"],
    ["another kind of id", "pay_0123456789abcdefghjkmnpqrs"],
    ["percent-encoded text", encodeURIComponent("订单")],
    ["2000 characters", "o".repeat(2000)],
  ] as const;
  const UNKNOWN = "ord_0123456789abcdefghjkmnpqrs";
  const ROUTES = [
    ["GET", ""],
    ["POST", "/pay"],
    ["POST", "/confirm"],
    ["POST", "/cancel"],
  ] as const;

  for (const [method, suffix] of ROUTES) {
    it.each(WRONG_SHAPES)(
      `${method} /v1/orders/:id${suffix} answers 404 ORDER_NOT_FOUND for %s, as for an unknown id`,
      async (_, id) => {
        const unknown = await kassa.request(method, `/v1/orders/${UNKNOWN}${suffix}`, { token });
        const wrong = await kassa.request(method, `/v1/orders/${id}${suffix}`, { token });
        expect(unknown.status).toBe(404);
        expect(wrong.status).toBe(404);
        const { requestId: _first, ...unknownBody } = unknown.body as { requestId: string };
        const { requestId: _second, ...wrongBody } = wrong.body as { requestId: string };
        expect(wrongBody).toEqual({
          code: "ORDER_NOT_FOUND",
          message: "No order with this id belongs to you",
        });
        expect(wrongBody).toEqual(unknownBody);
      },
    );
  }

  it("still asks for a session first: without one, a wrong id answers 401", async () => {
    const answer = await kassa.request("GET", "/v1/orders/xyz");
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: "AUTH_SESSION_REQUIRED" });
  });

  it("answers a path the router cannot decode (/v1/orders/%zz) in the error envelope, with a request id", async () => {
    const answer = await kassa.request("GET", "/v1/orders/%zz", { token });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: "ROUTE_NOT_FOUND", requestId: expect.stringMatching(/^req_/) });
    expect(answer.headers.get("x-request-id")).toBe((answer.body as { requestId: string }).requestId);
  });
});

describe("the Idempotency-Key header", () => {
  it.each([
    ["with a space", "my key"],
    ["of 256 characters", "k".repeat(256)],
    ["with non-ASCII", "订单-1"],
  ])("refuses a key %s with IDEMPOTENCY_KEY_INVALID, and stores nothing", async (_, key) => {
    const before = await counts();
    const answer = await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
      // fetch sends header bytes as given: the UTF-8 bytes of the key, as Latin-1 characters.
      headers: { "idempotency-key": Buffer.from(key, "utf8").toString("latin1") },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: "IDEMPOTENCY_KEY_INVALID" });
    expect(await counts()).toEqual(before);
  });

  it("accepts a key of 255 printable characters", async () => {
    const answer = await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
      headers: { "idempotency-key": `${"!~".repeat(127)}k` },
    });
    expect(answer.status).toBe(201);
  });
});
