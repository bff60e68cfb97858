import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
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
