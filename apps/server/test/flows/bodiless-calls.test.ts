import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * Issue 7, item 20: pay, confirm, cancel and logout take no body. No body, an empty body
 * (what wx.request sends without `data`: `content-type: application/json` and nothing) and
 * `{}` are accepted; a body that says anything is refused with REQUEST_INVALID naming the
 * field, and changes nothing.
 */
let kassa: KassaUnderTest;

beforeAll(async () => {
  // A fresh payer per case (so per-user order limits never interfere): many logins.
  kassa = await KassaUnderTest.start({ KASSA_RATE_LIMIT_LOGIN_PER_IP: "1000" });
});
afterAll(async () => {
  await kassa?.close();
});
// Every money flow ends with books that hold (issue 9 §1).
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

interface Sent {
  name: string;
  options: { body?: unknown; headers?: Record<string, string> };
}

const ACCEPTED: Sent[] = [
  { name: "no body and no content type", options: {} },
  {
    name: "an empty body with content-type: application/json",
    options: { headers: { "content-type": "application/json" } },
  },
  { name: "{} with content-type: application/json", options: { body: {} } },
];
const REFUSED: Sent = { name: '{"amount":1}', options: { body: { amount: 1 } } };

const ROUTES = ["pay", "confirm", "cancel"] as const;

/** A payer with a pending order that already has its prepay (so confirm and cancel have work to do). */
async function payerWithOrder(): Promise<{ token: string; orderId: string }> {
  const token = await kassa.login();
  const created = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: "prd_one_fen_test", quantity: 1 }] },
  });
  expect(created.status).toBe(201);
  const orderId = (created.body as { id: string }).id;
  expect((await kassa.request("POST", `/v1/orders/${orderId}/pay`, { token })).status).toBe(200);
  return { token, orderId };
}

/** A body exactly as given (the harness always JSON-encodes). */
async function postRaw(token: string, path: string, raw: string): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${kassa.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: raw,
  });
  return { status: response.status, body: await response.json() };
}

async function statusOf(token: string, orderId: string): Promise<string> {
  return ((await kassa.request("GET", `/v1/orders/${orderId}`, { token })).body as { status: string }).status;
}

describe.each(ROUTES)("POST /v1/orders/:id/%s takes no body", (route) => {
  it.each(ACCEPTED)("accepts $name", async ({ options }) => {
    const { token, orderId } = await payerWithOrder();
    const answer = await kassa.request("POST", `/v1/orders/${orderId}/${route}`, { token, ...options });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
  });

  it(`refuses ${REFUSED.name} with REQUEST_INVALID naming the field, and changes nothing`, async () => {
    const { token, orderId } = await payerWithOrder();
    const answer = await kassa.request("POST", `/v1/orders/${orderId}/${route}`, {
      token,
      ...REFUSED.options,
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: "REQUEST_INVALID",
      details: { issues: [{ field: "body/amount" }] },
    });
    expect(await statusOf(token, orderId)).toBe("PENDING");
  });
});

describe("DELETE /v1/session takes no body", () => {
  it.each(ACCEPTED)("accepts $name", async ({ options }) => {
    const token = await kassa.login();
    const answer = await kassa.request("DELETE", "/v1/session", { token, ...options });
    expect(answer.status, JSON.stringify(answer.body)).toBe(204);
  });

  it(`refuses ${REFUSED.name} with REQUEST_INVALID naming the field, and keeps the session`, async () => {
    const token = await kassa.login();
    const answer = await kassa.request("DELETE", "/v1/session", { token, ...REFUSED.options });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      code: "REQUEST_INVALID",
      details: { issues: [{ field: "body/amount" }] },
    });
    expect((await kassa.request("GET", "/v1/orders/ord_0000000000", { token })).status).toBe(404);
  });
});

describe("what else a bodiless call refuses", () => {
  it.each([
    ["a JSON array", "[]"],
    ["JSON null", "null"],
    ["a JSON string", '"pay"'],
  ])("refuses %s as the body with REQUEST_INVALID on the body itself", async (_, raw) => {
    const { token, orderId } = await payerWithOrder();
    const answer = await postRaw(token, `/v1/orders/${orderId}/cancel`, raw);
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: "REQUEST_INVALID", details: { issues: [{ field: "body" }] } });
    expect(await statusOf(token, orderId)).toBe("PENDING");
  });

  it("still refuses malformed JSON as REQUEST_MALFORMED_JSON", async () => {
    const { token, orderId } = await payerWithOrder();
    const answer = await postRaw(token, `/v1/orders/${orderId}/cancel`, '{"amount":');
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: "REQUEST_MALFORMED_JSON" });
  });
});
