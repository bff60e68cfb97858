import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * Issue 8 §6.1: GET /v1/orders lists the caller's own orders, newest first, a page at a time
 * (`limit` 1-100, default 20; an opaque `cursor`), stable when orders share a createdAt.
 */
let kassa: KassaUnderTest;

beforeAll(async () => {
  kassa = await KassaUnderTest.start({ KASSA_RATE_LIMIT_LOGIN_PER_IP: "1000" });
});
afterAll(async () => {
  await kassa?.close();
});
// Every money flow ends with books that hold (issue 9 §1).
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

interface OrderBody {
  id: string;
  status: string;
  createdAt: string;
  paidAt: string | null;
  transactionId: string | null;
  lines: { productId: string; quantity: number }[];
}
interface Page {
  data: OrderBody[];
  nextCursor: string | null;
}

async function order(token: string, quantity = 1): Promise<OrderBody> {
  const answer = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: "prd_one_fen_test", quantity }] },
  });
  expect(answer.status).toBe(201);
  return answer.body as OrderBody;
}

async function page(token: string, query = ""): Promise<Page> {
  const answer = await kassa.request("GET", `/v1/orders${query}`, { token });
  expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  return answer.body as Page;
}

/** Every page from the first, following nextCursor. */
async function allPages(token: string, limit: number): Promise<Page[]> {
  const pages = [await page(token, `?limit=${limit}`)];
  for (let last = pages[0]; last?.nextCursor; last = pages.at(-1)) {
    pages.push(await page(token, `?limit=${limit}&cursor=${encodeURIComponent(last.nextCursor)}`));
  }
  return pages;
}

/** The order the API promises: newest createdAt first, ties broken by id, also newest-first. */
function newestFirst(orders: readonly OrderBody[]): string[] {
  return [...orders]
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || (a.id < b.id ? 1 : -1))
    .map((o) => o.id);
}

/** Orders created in one millisecond: the same created_at for all of them. */
async function sameCreatedAt(ids: readonly string[], createdAt: number): Promise<void> {
  await kassa.running.kassa.deps.db
    .updateTable("orders")
    .set({ created_at: createdAt })
    .where("id", "in", ids)
    .execute();
}

describe("GET /v1/orders", () => {
  it("lists the caller's own orders, newest first, and never another user's", async () => {
    const alice = await kassa.login();
    const bob = await kassa.login();
    const mine = [];
    for (let n = 0; n < 3; n++) {
      mine.push(await order(alice, n + 1));
      await order(bob);
    }
    const listed = await page(alice);
    expect(listed.data.map((o) => o.id)).toEqual(newestFirst(mine));
    expect(listed.data.map((o) => o.lines[0]?.quantity).sort()).toEqual([1, 2, 3]);
    expect(listed.nextCursor).toBeNull();
    const bobs = await page(bob);
    expect(bobs.data).toHaveLength(3);
    for (const o of bobs.data) expect(mine.map((m) => m.id)).not.toContain(o.id);
  });

  it("answers an empty page for a user without orders", async () => {
    expect(await page(await kassa.login())).toEqual({ data: [], nextCursor: null });
  });

  it("shows each order with its payment: a paid order carries paidAt and the transaction id", async () => {
    const token = await kassa.login();
    const unpaid = await order(token);
    const paid = await order(token);
    expect((await kassa.request("POST", `/v1/orders/${paid.id}/pay`, { token })).status).toBe(200);
    await kassa.sandbox.admin.payOrder(DEMO_MERCHANT.mchid, paid.id);
    const confirmed = await kassa.request("POST", `/v1/orders/${paid.id}/confirm`, { token });
    expect(confirmed.body).toMatchObject({ status: "PAID" });
    const listed = (await page(token)).data;
    expect(listed).toHaveLength(2);
    const listedPaid = listed.find((o) => o.id === paid.id);
    expect(listedPaid).toEqual(confirmed.body);
    expect(listedPaid?.transactionId).toMatch(/^4200/);
    expect(listedPaid?.paidAt).not.toBeNull();
    expect(listed.find((o) => o.id === unpaid.id)).toMatchObject({
      status: "PENDING",
      paidAt: null,
      transactionId: null,
    });
  });

  it("gives 20 orders a page by default, and a cursor to the rest", async () => {
    const token = await kassa.login();
    for (let n = 0; n < 21; n++) await order(token);
    const first = await page(token);
    expect(first.data).toHaveLength(20);
    expect(first.nextCursor).toEqual(expect.any(String));
    const rest = await page(token, `?cursor=${encodeURIComponent(first.nextCursor ?? "")}`);
    expect(rest.data).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
  });

  it("walks every order exactly once when many share one createdAt", async () => {
    const token = await kassa.login();
    const ids = [];
    for (let n = 0; n < 7; n++) ids.push((await order(token)).id);
    const older = await order(token);
    await sameCreatedAt(ids, Date.parse(older.createdAt) + 1);
    const pages = await allPages(token, 2);
    expect(pages.map((p) => p.data.length)).toEqual([2, 2, 2, 2]);
    const walked = pages.flatMap((p) => p.data.map((o) => o.id));
    // The seven tied orders first (the tie broken by id, newest-first order), then the older one.
    expect(walked).toEqual([...[...ids].sort().reverse(), older.id]);
  });

  it("neither repeats nor skips an order when new ones are made between pages", async () => {
    const token = await kassa.login();
    const before = [];
    for (let n = 0; n < 4; n++) before.push(await order(token));
    const first = await page(token, "?limit=2");
    await order(token);
    await order(token);
    const second = await page(token, `?limit=2&cursor=${encodeURIComponent(first.nextCursor ?? "")}`);
    expect([...first.data, ...second.data].map((o) => o.id)).toEqual(newestFirst(before));
    expect(second.nextCursor).toBeNull();
  });

  it("keeps a cursor to the caller's own orders, even one made from another user's order", async () => {
    const alice = await kassa.login();
    const bob = await kassa.login();
    const bobs = await order(bob);
    await order(alice);
    // A cursor that starts just after Bob's order, as Kassa would encode it.
    const forged = Buffer.from(`${Date.parse(bobs.createdAt) + 60_000}:${bobs.id}`).toString("base64url");
    const listed = await page(alice, `?cursor=${forged}`);
    expect(listed.data).toHaveLength(1);
    expect(listed.data.map((o) => o.id)).not.toContain(bobs.id);
  });

  it.each([
    ["0", "must be >= 1"],
    ["101", "must be <= 100"],
    ["abc", "must be integer"],
    ["1e2", "must be integer"],
    ["2.5", "must be integer"],
  ])("refuses limit=%s with REQUEST_INVALID naming querystring/limit", async (limit, issue) => {
    const answer = await kassa.request("GET", `/v1/orders?limit=${limit}`, { token: await kassa.login() });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: "REQUEST_INVALID",
      details: { issues: [{ field: "querystring/limit", issue }] },
    });
  });

  it("accepts limit=1 and limit=100, the ends of the range", async () => {
    const token = await kassa.login();
    await order(token);
    await order(token);
    expect((await page(token, "?limit=1")).data).toHaveLength(1);
    expect((await page(token, "?limit=100")).data).toHaveLength(2);
  });

  it.each([
    ["not base64url", "%21%21%21"],
    ["base64url of something else", Buffer.from("hello").toString("base64url")],
    ["a time that is not a number", Buffer.from("soon:ord_0000000000").toString("base64url")],
    ["too long", "A".repeat(129)],
  ])("refuses a cursor that is %s with REQUEST_INVALID naming querystring/cursor", async (_, cursor) => {
    const answer = await kassa.request("GET", `/v1/orders?cursor=${cursor}`, { token: await kassa.login() });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: "REQUEST_INVALID",
      details: { issues: [{ field: "querystring/cursor" }] },
    });
  });

  it("refuses an unknown query parameter", async () => {
    const answer = await kassa.request("GET", "/v1/orders?status=PAID", { token: await kassa.login() });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: "REQUEST_INVALID" });
  });

  it("needs a session", async () => {
    const answer = await kassa.request("GET", "/v1/orders");
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: "AUTH_SESSION_REQUIRED" });
  });
});
