import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";

let kassa: KassaUnderTest;

beforeAll(async () => {
  kassa = await KassaUnderTest.start({
    KASSA_RATE_LIMIT_PER_IP: "40",
    KASSA_RATE_LIMIT_PER_USER: "5",
    KASSA_RATE_LIMIT_LOGIN_PER_IP: "3",
    KASSA_RATE_LIMIT_MERCHANT_PER_KEY: "4",
  });
});
afterAll(async () => {
  await kassa?.close();
});

describe("rate limits", () => {
  it("throttles one user past their limit with 429 RATE_LIMITED and Retry-After, not the next user", async () => {
    const [alice, bob] = [await kassa.login(), await kassa.login()];
    const answers = [];
    for (let i = 0; i < 7; i += 1)
      answers.push(await kassa.request("GET", "/v1/orders/ord_00000000000000000000000000", { token: alice }));
    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404, 404, 429, 429]);
    expect(answers[5]?.body).toMatchObject({ code: "RATE_LIMITED" });
    expect(Number(answers[5]?.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(
      (await kassa.request("GET", "/v1/orders/ord_00000000000000000000000000", { token: bob })).status,
    ).toBe(404);
  });

  it("throttles logins from one address", async () => {
    const statuses = [];
    for (let i = 0; i < 3; i += 1)
      statuses.push((await kassa.request("POST", "/v1/session", { body: { code: "bogus" } })).status);
    // Two logins already happened in the test above, from this same address.
    expect(statuses).toEqual([401, 429, 429]);
  });

  it("throttles a merchant API key at KASSA_RATE_LIMIT_MERCHANT_PER_KEY, not the next key", async () => {
    const [first, second] = [await makeApiKey(kassa), await makeApiKey(kassa)];
    const products = (secret: string) =>
      kassa.request("GET", "/merchant/v1/products", { headers: { authorization: `Bearer ${secret}` } });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await products(first.secret)).status);
    const limited = await products(first.secret);
    expect([...statuses, limited.status]).toEqual([200, 200, 200, 200, 429]);
    expect(limited.body).toMatchObject({ code: "RATE_LIMITED" });
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await products(second.secret)).status).toBe(200);
  });

  it("throttles one address over the whole API", async () => {
    const statuses = [];
    for (let i = 0; i < 45; i += 1) statuses.push((await kassa.request("GET", "/v1/catalog")).status);
    expect(statuses.at(-1)).toBe(429);
    expect(statuses.filter((status) => status === 200).length).toBeLessThan(40);
  });
});
