import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

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

describe("no cache keeps the mini program API's answers (issue 7, item 11)", () => {
  it("sends Cache-Control: no-store with the session token from login", async () => {
    const code = await kassa.sandbox.admin.mintLoginCode({ appid: DEMO_MERCHANT.appid });
    const answer = await kassa.request("POST", "/v1/session", { body: { code: code.code } });
    expect(answer.status).toBe(201);
    expect(answer.headers.get("cache-control")).toBe("no-store");
  });

  it("sends Cache-Control: no-store with an order, created and read", async () => {
    const created = await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
    });
    expect(created.status).toBe(201);
    expect(created.headers.get("cache-control")).toBe("no-store");
    const read = await kassa.request("GET", `/v1/orders/${(created.body as { id: string }).id}`, { token });
    expect(read.status).toBe(200);
    expect(read.headers.get("cache-control")).toBe("no-store");
  });

  it("sends Cache-Control: no-store with the payment parameters and with errors", async () => {
    const created = await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
    });
    const pay = await kassa.request("POST", `/v1/orders/${(created.body as { id: string }).id}/pay`, {
      token,
    });
    expect(pay.status).toBe(200);
    expect(pay.headers.get("cache-control")).toBe("no-store");
    const refused = await kassa.request("GET", "/v1/orders/ord_0000000000", { token });
    expect(refused.status).toBe(404);
    expect(refused.headers.get("cache-control")).toBe("no-store");
    const unauthenticated = await kassa.request("GET", "/v1/orders/ord_0000000000");
    expect(unauthenticated.status).toBe(401);
    expect(unauthenticated.headers.get("cache-control")).toBe("no-store");
  });
});

describe("answers outside every API carry the same headers (issue 8 notes)", () => {
  it.each([
    ["an unknown route", "/nowhere"],
    ["a path the router cannot decode", "/v1/orders/%E0%A4%A"],
  ])(
    "%s: 404 ROUTE_NOT_FOUND with no-store, the request id and the security headers",
    async (_what, path) => {
      const answer = await kassa.request("GET", path);
      expect(answer.status).toBe(404);
      expect(answer.body).toMatchObject({ code: "ROUTE_NOT_FOUND" });
      expect(answer.headers.get("cache-control")).toBe("no-store");
      expect(answer.headers.get("x-request-id")).toMatch(/^req_/);
      expect(answer.headers.get("x-content-type-options")).toBe("nosniff");
      expect(answer.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
      expect(answer.headers.get("strict-transport-security")).toContain("max-age=");
    },
  );
});
