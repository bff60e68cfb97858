import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { raiseAlert } from "../../src/app/alerting/raise-alert.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";

/**
 * Issue 8 §5.3 and §5.4: the merchant reads its orders (filtered, paged, newest first), one
 * order with its payments and a timeline assembled from what Kassa stores (created, prepaid,
 * each notification, paid or closed, alerts), and its outbox events, oldest first after a
 * cursor, as webhooks will deliver them.
 */
let kassa: KassaUnderTest;
let key: string;
let payer: string;
let otherPayer: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  key = (await makeApiKey(kassa, { scopes: "read" })).secret;
  payer = await kassa.login();
  otherPayer = await kassa.login();
});
afterAll(async () => {
  await kassa?.close();
});
// Every money flow ends with books that hold (issue 9 §1).
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

interface Order {
  id: string;
  status: string;
  userId: string;
  createdAt: string;
  amountFen: number;
}
interface Detail extends Order {
  payments: { id: string; status: string; prepaidAt: string | null; transactionId: string | null }[];
  timeline: { at: string; type: string; paymentId?: string; detail?: Record<string, unknown> }[];
}
const get = async (path: string) =>
  kassa.request("GET", path, { headers: { authorization: `Bearer ${key}` } });
const makeOrder = async (token: string) =>
  (
    await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_oolong_tea", quantity: 1 }] },
    })
  ).body as { id: string };
/** Pays an order through the simulator's cashier; answers its id and the prepay id it was paid under. */
async function payOrder(token: string): Promise<{ id: string; prepayId: string }> {
  const { id } = await makeOrder(token);
  const params = (await kassa.request("POST", `/v1/orders/${id}/pay`, { token })).body as { package: string };
  const prepayId = params.package.replace(/^prepay_id=/, "");
  const paid = await fetch(`${kassa.sandbox.url}/cashier/api/pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ ...(params as object), bankType: "CMB_CREDIT" }),
  });
  expect(paid.status).toBe(200);
  // The simulator's notification is its own HTTP request: wait until Kassa has applied it.
  for (let tries = 0; tries < 100; tries += 1) {
    const order = await kassa.request("GET", `/v1/orders/${id}`, { token });
    if ((order.body as { status: string }).status === "PAID") return { id, prepayId };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`order ${id} never became PAID`);
}

describe("the merchant API's orders and events", () => {
  it("shows a paid order with its payment and a timeline: created, prepaid, the notification, paid", async () => {
    const { id, prepayId } = await payOrder(payer);
    const answer = await get(`/merchant/v1/orders/${id}`);
    expect(answer.status).toBe(200);
    const order = answer.body as Detail;
    expect(order).toMatchObject({ id, status: "PAID", amountFen: 1800 });
    expect(order.userId).toMatch(/^usr_/);
    expect(order.payments).toHaveLength(1);
    expect(order.payments[0]).toMatchObject({ status: "PAID" });
    expect(order.payments[0]?.prepaidAt).not.toBeNull();
    expect(order.payments[0]?.transactionId).toMatch(/^42/);
    expect(order.timeline.map((entry) => entry.type)).toEqual([
      "order.created",
      "payment.prepaid",
      "notification.received",
      "order.paid",
    ]);
    expect(order.timeline[2]?.detail).toMatchObject({ eventType: "TRANSACTION.SUCCESS" });
    const times = order.timeline.map((entry) => Date.parse(entry.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // The payer's openid and the prepay id stay inside Kassa. Match the prepay id itself, not a
    // pattern like /wx\d\d/: random ids (usr_...jjwx02...) matched that and failed CI once.
    expect(prepayId).toMatch(/^wx/);
    const shown = JSON.stringify(order);
    expect(shown).not.toMatch(/openid|prepay_id/i);
    expect(shown).not.toContain(prepayId);
  });

  it("shows a cancelled order's close with its reason, no prepay it never had, and an alert raised on it", async () => {
    const { id } = await makeOrder(payer);
    expect((await kassa.request("POST", `/v1/orders/${id}/cancel`, { token: payer })).status).toBe(200);
    const order = (await get(`/merchant/v1/orders/${id}`)).body as Detail;
    expect(order.status).toBe("CLOSED");
    // Before closing, Kassa asks WeChat Pay whether the payment was made (product.md step 7).
    expect(order.timeline.map((entry) => entry.type)).toEqual([
      "order.created",
      "payment.queried",
      "order.closed",
    ]);
    expect(order.timeline[1]?.detail).toEqual({ reason: "close:cancel", outcome: "not_found" });
    expect(order.timeline[2]?.detail).toEqual({ reason: "cancel" });
    const { deps } = kassa.running.kassa;
    await raiseAlert(deps, deps.db, { kind: "paid_after_close", subjectId: id, detail: {} });
    const alerted = (await get(`/merchant/v1/orders/${id}`)).body as Detail;
    expect(alerted.timeline.at(-1)).toMatchObject({
      type: "alert.raised",
      detail: { kind: "paid_after_close" },
    });
    expect((await get("/merchant/v1/orders/ord_unknown")).body).toMatchObject({ code: "ORDER_NOT_FOUND" });
  });

  it("lists orders newest first, filtered by status, payer and creation time, a page at a time", async () => {
    const theirs = await makeOrder(otherPayer);
    await kassa.sandbox.admin.advanceClock(5_000);
    const later = await makeOrder(otherPayer);
    const all = (await get("/merchant/v1/orders?limit=100")).body as { data: Order[] };
    const times = all.data.map((order) => Date.parse(order.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const otherUser = all.data.find((order) => order.id === theirs.id)?.userId;
    const mine = (await get(`/merchant/v1/orders?userId=${otherUser}`)).body as { data: Order[] };
    expect(mine.data.map((order) => order.id)).toEqual([later.id, theirs.id]);
    const paid = (await get("/merchant/v1/orders?status=PAID")).body as { data: Order[] };
    expect(paid.data.length).toBeGreaterThan(0);
    expect(paid.data.every((order) => order.status === "PAID")).toBe(true);
    const laterAt = all.data.find((order) => order.id === later.id)?.createdAt ?? "";
    const since = (await get(`/merchant/v1/orders?createdFrom=${encodeURIComponent(laterAt)}`)).body as {
      data: Order[];
    };
    expect(since.data.map((order) => order.id)).toEqual([later.id]);
    const before = (await get(`/merchant/v1/orders?createdTo=${encodeURIComponent(laterAt)}`)).body as {
      data: Order[];
    };
    expect(before.data.map((order) => order.id)).not.toContain(later.id);
    expect(before.data).toHaveLength(all.data.length - 1);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await get(`/merchant/v1/orders?limit=1${cursor ? `&cursor=${cursor}` : ""}`)).body as {
        data: Order[];
        nextCursor: string | null;
      };
      paged.push(...page.data.map((order) => order.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged).toEqual(all.data.map((order) => order.id));
    expect((await get("/merchant/v1/orders?status=LOST")).status).toBe(400);
    expect((await get("/merchant/v1/orders?createdFrom=yesterday")).body).toMatchObject({
      code: "REQUEST_INVALID",
    });
  });

  it("feeds the app's events oldest first after a cursor, each once, with the registry's payloads", async () => {
    const first = (await get("/merchant/v1/events?limit=100")).body as {
      data: {
        id: string;
        type: string;
        orderId: string;
        payload: Record<string, unknown>;
        createdAt: string;
        sequence: number;
      }[];
      hasMore: boolean;
      nextCursor: string | null;
    };
    expect(first.data.map((event) => event.type)).toEqual(["order.paid", "order.closed"]);
    expect(first.data[0]?.payload).toMatchObject({ amountFen: 1800, transactionId: expect.any(String) });
    expect(first.data[1]?.payload).toMatchObject({
      orderId: first.data[1]?.orderId,
      reason: "cancel",
      order: { id: first.data[1]?.orderId, status: "CLOSED" },
    });
    expect(first.data.map((event) => event.sequence)).toEqual([1, 1]);
    expect(first.hasMore).toBe(false);
    const nothingNew = (await get(`/merchant/v1/events?after=${first.nextCursor}`)).body as {
      data: unknown[];
      nextCursor: string;
    };
    expect(nothingNew.data).toEqual([]);
    expect(nothingNew.nextCursor).toBe(first.nextCursor);
    const { id: paidId } = await payOrder(payer);
    const next = (await get(`/merchant/v1/events?after=${first.nextCursor}`)).body as {
      data: { type: string; orderId: string }[];
    };
    expect(next.data).toEqual([expect.objectContaining({ type: "order.paid", orderId: paidId })]);
    const one = (await get("/merchant/v1/events?limit=1")).body as { hasMore: boolean; nextCursor: string };
    expect(one.hasMore).toBe(true);
    const rest = (await get(`/merchant/v1/events?after=${one.nextCursor}`)).body as { data: unknown[] };
    expect(rest.data).toHaveLength(2);
    expect((await get("/merchant/v1/events?after=garbage!")).body).toMatchObject({ code: "REQUEST_INVALID" });
  });
});
