import type { TSchema } from "typebox";
import { Value } from "typebox/value";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { ERROR_CODES, type ErrorCode } from "../../src/domain/errors.ts";
import { statusOf } from "../../src/http/error-status.ts";
import {
  AvailabilityPageSchema,
  BookedOrderSchema,
  CancelledBookingSchema,
} from "../../src/http/mini-program/bookings/schemas.ts";
import { CatalogResponse } from "../../src/http/mini-program/catalog.list.ts";
import { OrdersCreateBody } from "../../src/http/mini-program/orders.create.ts";
import { OrderPageSchema } from "../../src/http/mini-program/orders.list.ts";
import { PayCallSchema } from "../../src/http/mini-program/orders.pay.ts";
import { ANY_REQUEST, SESSION } from "../../src/http/mini-program/route-errors.ts";
import { OrderViewSchema } from "../../src/http/mini-program/schemas.ts";
import { SessionCreateBody, SessionCreateResponse } from "../../src/http/mini-program/session.create.ts";
import { RecipientsPageSchema, TippedOrderSchema } from "../../src/http/mini-program/tips/schemas.ts";
import { WalletResponse } from "../../src/http/mini-program/wallet.get.ts";
import { WalletHistoryPageSchema } from "../../src/http/mini-program/wallet.history.list.ts";
import { WalletTiersResponse } from "../../src/http/mini-program/wallet.tiers.list.ts";
import { TopUpCreateBody } from "../../src/http/mini-program/wallet.top-ups.create.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * Issue 8 §6.5: the OpenAPI document at /docs/json describes the mini program API as it is:
 * a tag per API, the session scheme and the Idempotency-Key header, every error code each
 * route answers (from the registry, with its status), and examples that match the schemas
 * and the real answers.
 */
interface Media {
  schema: { properties?: Record<string, { enum?: string[] }> };
  example?: unknown;
  examples?: Record<string, { value: unknown }>;
}
interface Operation {
  tags?: string[];
  security?: unknown[];
  parameters?: { in: string; name: string; required: boolean; schema: { pattern?: string } }[];
  requestBody?: { content: Record<string, Media> };
  responses: Record<
    string,
    { description: string; headers?: Record<string, unknown>; content?: Record<string, Media> }
  >;
}
interface OpenApi {
  tags: { name: string }[];
  security: unknown[];
  components: { securitySchemes: Record<string, { type: string; scheme: string }> };
  paths: Record<string, Record<string, Operation>>;
}

let kassa: KassaUnderTest;
let spec: OpenApi;

beforeAll(async () => {
  kassa = await KassaUnderTest.start({ KASSA_RATE_LIMIT_LOGIN_PER_IP: "1000" });
  spec = (await kassa.request("GET", "/docs/json")).body as OpenApi;
});
afterAll(async () => {
  await kassa?.close();
});
// Every money flow ends with books that hold (issue 9 §1).
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

const OPERATIONS = [
  ["post", "/v1/session", "session"],
  ["delete", "/v1/session", "session"],
  ["get", "/v1/catalog", "catalog"],
  ["post", "/v1/orders", "orders"],
  ["get", "/v1/orders", "orders"],
  ["get", "/v1/orders/{id}", "orders"],
  ["post", "/v1/orders/{id}/pay", "orders"],
  ["post", "/v1/orders/{id}/confirm", "orders"],
  ["post", "/v1/orders/{id}/cancel", "orders"],
  ["post", "/v1/orders/{id}/pay-from-wallet", "orders"],
  ["get", "/v1/wallet", "wallet"],
  ["get", "/v1/wallet/history", "wallet"],
  ["get", "/v1/wallet/tiers", "wallet"],
  ["post", "/v1/wallet/top-ups", "wallet"],
  ["get", "/v1/booking-slots", "bookings"],
  ["post", "/v1/bookings", "bookings"],
  ["get", "/v1/bookings/{id}", "bookings"],
  ["post", "/v1/bookings/{id}/cancel", "bookings"],
  ["get", "/v1/tip-recipients", "tips"],
  ["post", "/v1/tips", "tips"],
  ["get", "/v1/tips/{id}", "tips"],
] as const;

/** Login and the catalog are open; everything else needs the session token. */
const OPEN = new Set(["post /v1/session", "get /v1/catalog"]);

/** The schema each success answer is validated with, by route. */
const SUCCESS: Record<string, [status: string, schema: TSchema]> = {
  "post /v1/session": ["201", SessionCreateResponse],
  "get /v1/catalog": ["200", CatalogResponse],
  "post /v1/orders": ["201", OrderViewSchema],
  "get /v1/orders": ["200", OrderPageSchema],
  "get /v1/orders/{id}": ["200", OrderViewSchema],
  "post /v1/orders/{id}/pay": ["200", PayCallSchema],
  "post /v1/orders/{id}/confirm": ["200", OrderViewSchema],
  "post /v1/orders/{id}/cancel": ["200", OrderViewSchema],
  "post /v1/orders/{id}/pay-from-wallet": ["200", OrderViewSchema],
  "get /v1/wallet": ["200", WalletResponse],
  "get /v1/wallet/history": ["200", WalletHistoryPageSchema],
  "get /v1/wallet/tiers": ["200", WalletTiersResponse],
  "post /v1/wallet/top-ups": ["201", OrderViewSchema],
  "get /v1/booking-slots": ["200", AvailabilityPageSchema],
  "post /v1/bookings": ["201", BookedOrderSchema],
  "get /v1/bookings/{id}": ["200", BookedOrderSchema],
  "post /v1/bookings/{id}/cancel": ["200", CancelledBookingSchema],
  "get /v1/tip-recipients": ["200", RecipientsPageSchema],
  "post /v1/tips": ["201", TippedOrderSchema],
  "get /v1/tips/{id}": ["200", TippedOrderSchema],
};

function operation(method: string, path: string): Operation {
  const found = spec.paths[path]?.[method];
  if (!found) throw new Error(`${method} ${path} is not in /docs/json`);
  return found;
}

/** The codes a response description lists, one `- \`CODE\`: sentence` line each. */
function codesOf(description: string): ErrorCode[] {
  return [...description.matchAll(/^- `([A-Z_]+)`/gm)].map((match) => match[1] as ErrorCode);
}

function documentedCodes(method: string, path: string): ErrorCode[] {
  return Object.entries(operation(method, path).responses)
    .filter(([status]) => Number(status) >= 400)
    .flatMap(([, response]) => codesOf(response.description));
}

function examplesOf(media: Media | undefined): unknown[] {
  if (!media) return [];
  return [
    ...(media.example === undefined ? [] : [media.example]),
    ...Object.values(media.examples ?? {}).map((example) => example.value),
  ];
}

describe("the OpenAPI document at /docs/json", () => {
  it("describes exactly the mini program's routes, each under its API's tag: session, catalog, orders, wallet, bookings or tips", () => {
    expect(spec.tags.map((tag) => tag.name)).toEqual([
      "session",
      "catalog",
      "orders",
      "wallet",
      "bookings",
      "tips",
      "merchant",
      "admin",
    ]);
    // The merchant and admin APIs have their own tags and tests (merchant-api-docs.test.ts, admin-api.test.ts).
    const miniProgram = Object.entries(spec.paths).filter(
      ([path]) => !path.startsWith("/merchant/") && !path.startsWith("/admin/"),
    );
    const documented = miniProgram.flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual(OPERATIONS.map(([method, path]) => `${method} ${path}`).sort());
    for (const [method, path, tag] of OPERATIONS) expect(operation(method, path).tags).toEqual([tag]);
  });

  it("declares Authorization: Bearer as a security scheme, required everywhere but login and the catalog", () => {
    expect(spec.components.securitySchemes.session).toMatchObject({ type: "http", scheme: "bearer" });
    expect(spec.security).toEqual([{ session: [] }]);
    for (const [method, path] of OPERATIONS) {
      const open = OPEN.has(`${method} ${path}`);
      expect(operation(method, path).security, `${method} ${path}`).toEqual(open ? [] : undefined);
    }
  });

  it("declares the response headers a client acts on: Idempotent-Replayed on order creation, Retry-After on 429", () => {
    expect(operation("post", "/v1/orders").responses["201"]?.headers).toHaveProperty("idempotent-replayed");
    for (const [method, path] of OPERATIONS) {
      expect(operation(method, path).responses["429"]?.headers, `${method} ${path}`).toHaveProperty(
        "retry-after",
      );
    }
  });

  it("declares the optional Idempotency-Key header on order creation, with its rule", () => {
    const header = operation("post", "/v1/orders").parameters?.find((p) => p.in === "header");
    expect(header).toMatchObject({ name: "idempotency-key", required: false });
    const pattern = new RegExp(header?.schema.pattern ?? "", "u");
    expect(pattern.test("k".repeat(255))).toBe(true);
    expect(pattern.test("k".repeat(256))).toBe(false);
    expect(pattern.test("a b")).toBe(false);
  });

  it("lists each error code a route answers under the status the registry gives it, with an example of each", () => {
    for (const [method, path] of OPERATIONS) {
      const errors = Object.entries(operation(method, path).responses).filter(
        ([status]) => Number(status) >= 400,
      );
      expect(errors.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const [status, response] of errors) {
        const codes = codesOf(response.description);
        expect(codes.length, `${method} ${path} ${status}`).toBeGreaterThan(0);
        const media = response.content?.["application/json"];
        expect(media?.schema.properties?.code?.enum).toEqual(codes);
        expect(Object.keys(media?.examples ?? {})).toEqual(codes);
        for (const code of codes) {
          expect(statusOf(code), `${code} under ${status}`).toBe(Number(status));
          expect(response.description).toContain(`\`${code}\`: ${ERROR_CODES[code]}`);
          expect(media?.examples?.[code]?.value).toMatchObject({ code, message: ERROR_CODES[code] });
        }
      }
      const codes = documentedCodes(method, path);
      expect(codes).toEqual(expect.arrayContaining([...ANY_REQUEST]));
      if (!OPEN.has(`${method} ${path}`)) expect(codes).toEqual(expect.arrayContaining([...SESSION]));
    }
  });

  it("gives every success answer an example that matches the route's schema", () => {
    for (const [method, path] of OPERATIONS) {
      const success = SUCCESS[`${method} ${path}`];
      if (!success) continue; // DELETE /v1/session answers 204, no body
      const [status, schema] = success;
      const examples = examplesOf(operation(method, path).responses[status]?.content?.["application/json"]);
      expect(examples.length, `${method} ${path}`).toBeGreaterThan(0);
      for (const example of examples) expect(Value.Check(schema, example), `${method} ${path}`).toBe(true);
    }
  });

  it("gives the request bodies and the order id examples that the API accepts", () => {
    const login = examplesOf(operation("post", "/v1/session").requestBody?.content["application/json"]);
    const create = examplesOf(operation("post", "/v1/orders").requestBody?.content["application/json"]);
    expect(login).toHaveLength(1);
    expect(create).toHaveLength(1);
    expect(Value.Check(SessionCreateBody, login[0])).toBe(true);
    expect(Value.Check(OrdersCreateBody, create[0])).toBe(true);
    const topUps = examplesOf(
      operation("post", "/v1/wallet/top-ups").requestBody?.content["application/json"],
    );
    expect(topUps.length).toBeGreaterThan(0);
    for (const example of topUps) expect(Value.Check(TopUpCreateBody, example)).toBe(true);
    const id = operation("get", "/v1/orders/{id}").parameters?.find((p) => p.in === "path") as unknown as {
      example: string;
    };
    expect(id.example).toMatch(/^ord_[0-9a-z]{26}$/);
  });

  it("shows examples with exactly the fields of the real answers", async () => {
    const token = await kassa.login();
    const fields = (value: unknown) => Object.keys(value as object).sort();
    const exampleOf = (method: string, path: string, status: string) =>
      examplesOf(operation(method, path).responses[status]?.content?.["application/json"])[0];
    const created = await kassa.request("POST", "/v1/orders", {
      token,
      body: examplesOf(operation("post", "/v1/orders").requestBody?.content["application/json"])[0],
    });
    expect(created.status).toBe(201);
    const orderId = (created.body as { id: string }).id;
    const paid = await kassa.request("POST", `/v1/orders/${orderId}/pay`, { token });
    const page = await kassa.request("GET", "/v1/orders", { token });
    const catalog = await kassa.request("GET", "/v1/catalog");
    const tiers = await kassa.request("GET", "/v1/wallet/tiers", { token });
    const topUp = await kassa.request("POST", "/v1/wallet/top-ups", { token, body: { amountFen: 5000 } });
    expect(fields(exampleOf("get", "/v1/wallet/tiers", "200"))).toEqual(fields(tiers.body));
    const wallet = await kassa.request("GET", "/v1/wallet", { token });
    const history = await kassa.request("GET", "/v1/wallet/history", { token });
    expect(fields(exampleOf("get", "/v1/wallet", "200"))).toEqual(fields(wallet.body));
    expect(fields(exampleOf("get", "/v1/wallet/history", "200"))).toEqual(fields(history.body));
    expect(fields(exampleOf("post", "/v1/wallet/top-ups", "201"))).toEqual(fields(topUp.body));
    expect(fields(exampleOf("post", "/v1/orders", "201"))).toEqual(fields(created.body));
    expect(fields(exampleOf("post", "/v1/orders/{id}/pay", "200"))).toEqual(fields(paid.body));
    expect(fields(exampleOf("get", "/v1/orders", "200"))).toEqual(fields(page.body));
    expect(fields(exampleOf("get", "/v1/catalog", "200"))).toEqual(fields(catalog.body));
    const code = await kassa.sandbox.admin.mintLoginCode({ appid: DEMO_MERCHANT.appid });
    const session = await kassa.request("POST", "/v1/session", { body: { code: code.code } });
    expect(fields(exampleOf("post", "/v1/session", "201"))).toEqual(fields(session.body));
  });
});

describe("the codes the routes really answer", () => {
  /** A request that makes a route refuse, and the route's path in /docs/json. */
  interface Probe {
    method: string;
    route: string;
    path: string;
    token?: "valid" | "forged";
    body?: unknown;
    raw?: { contentType: string; body: string };
    headers?: Record<string, string>;
  }

  it("are each listed in the route's documented responses", async () => {
    const token = await kassa.login();
    const order = (
      await kassa.request("POST", "/v1/orders", {
        token,
        body: { items: [{ productId: "prd_one_fen_test", quantity: 1 }] },
      })
    ).body as { id: string };
    const closed = (
      await kassa.request("POST", "/v1/orders", {
        token,
        body: { items: [{ productId: "prd_one_fen_test", quantity: 1 }] },
      })
    ).body as { id: string };
    expect((await kassa.request("POST", `/v1/orders/${closed.id}/cancel`, { token })).status).toBe(200);
    const unknown = "ord_0123456789abcdefghjkmnpqrs";
    const probes: Probe[] = [
      { method: "POST", route: "/v1/session", path: "/v1/session", body: { code: "a b" } },
      { method: "POST", route: "/v1/session", path: "/v1/session", body: { code: "never-issued" } },
      {
        method: "POST",
        route: "/v1/session",
        path: "/v1/session",
        raw: { contentType: "application/json", body: "{" },
      },
      {
        method: "POST",
        route: "/v1/session",
        path: "/v1/session",
        raw: { contentType: "text/plain", body: "code" },
      },
      { method: "DELETE", route: "/v1/session", path: "/v1/session" },
      { method: "DELETE", route: "/v1/session", path: "/v1/session", token: "forged" },
      { method: "DELETE", route: "/v1/session", path: "/v1/session", token: "valid", body: { all: true } },
      { method: "POST", route: "/v1/orders", path: "/v1/orders", body: { items: [] } },
      {
        method: "POST",
        route: "/v1/orders",
        path: "/v1/orders",
        token: "valid",
        body: { items: [{ productId: "tea", quantity: 1 }] },
      },
      {
        method: "POST",
        route: "/v1/orders",
        path: "/v1/orders",
        token: "valid",
        body: {
          items: [
            { productId: "prd_jasmine_tea", quantity: 50 },
            { productId: "prd_jasmine_tea", quantity: 50 },
          ],
        },
      },
      {
        method: "POST",
        route: "/v1/orders",
        path: "/v1/orders",
        token: "valid",
        body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
        headers: { "idempotency-key": "a b" },
      },
      { method: "GET", route: "/v1/orders", path: "/v1/orders?limit=0", token: "valid" },
      { method: "GET", route: "/v1/orders", path: "/v1/orders", token: "forged" },
      { method: "GET", route: "/v1/orders/{id}", path: "/v1/orders/xyz", token: "valid" },
      { method: "POST", route: "/v1/orders/{id}/pay", path: `/v1/orders/${unknown}/pay`, token: "valid" },
      { method: "POST", route: "/v1/orders/{id}/pay", path: `/v1/orders/${closed.id}/pay`, token: "valid" },
      {
        method: "POST",
        route: "/v1/orders/{id}/pay",
        path: `/v1/orders/${order.id}/pay`,
        token: "valid",
        body: { amount: 1 },
      },
      {
        method: "POST",
        route: "/v1/orders/{id}/confirm",
        path: `/v1/orders/${unknown}/confirm`,
        token: "valid",
      },
      {
        method: "POST",
        route: "/v1/orders/{id}/cancel",
        path: `/v1/orders/${unknown}/cancel`,
        token: "valid",
      },
      {
        method: "POST",
        route: "/v1/orders/{id}/cancel",
        path: `/v1/orders/${order.id}/cancel`,
        raw: { contentType: "text/plain", body: "x" },
        token: "valid",
      },
      {
        method: "POST",
        route: "/v1/orders/{id}/pay-from-wallet",
        path: `/v1/orders/${order.id}/pay-from-wallet`,
        token: "valid",
      },
      {
        method: "POST",
        route: "/v1/orders/{id}/pay-from-wallet",
        path: `/v1/orders/${closed.id}/pay-from-wallet`,
        token: "valid",
      },
      { method: "GET", route: "/v1/wallet/tiers", path: "/v1/wallet/tiers", token: "forged" },
      { method: "GET", route: "/v1/wallet", path: "/v1/wallet" },
      { method: "GET", route: "/v1/wallet/history", path: "/v1/wallet/history?limit=0", token: "valid" },
      { method: "GET", route: "/v1/wallet/history", path: "/v1/wallet/history?cursor=eA", token: "valid" },
      {
        method: "POST",
        route: "/v1/wallet/top-ups",
        path: "/v1/wallet/top-ups",
        token: "valid",
        body: { tierId: "wtr_x" },
      },
      {
        method: "POST",
        route: "/v1/wallet/top-ups",
        path: "/v1/wallet/top-ups",
        token: "valid",
        body: { amountFen: 1 },
      },
      { method: "POST", route: "/v1/wallet/top-ups", path: "/v1/wallet/top-ups", token: "valid", body: {} },
    ];
    for (const probe of probes) {
      const headers: Record<string, string> = { ...probe.headers };
      if (probe.token === "valid") headers.authorization = `Bearer ${token}`;
      if (probe.token === "forged") headers.authorization = "Bearer kst_forged";
      const answer = probe.raw
        ? await fetch(`${kassa.url}${probe.path}`, {
            method: probe.method,
            headers: { ...headers, "content-type": probe.raw.contentType },
            body: probe.raw.body,
          }).then(async (response) => ({ status: response.status, body: await response.json() }))
        : await kassa.request(probe.method, probe.path, { body: probe.body, headers });
      const code = (answer.body as { code: ErrorCode }).code;
      const name = `${probe.method} ${probe.path} → ${answer.status} ${code}`;
      expect(answer.status, name).toBeGreaterThanOrEqual(400);
      expect(documentedCodes(probe.method.toLowerCase(), probe.route), name).toContain(code);
    }
  });
});
