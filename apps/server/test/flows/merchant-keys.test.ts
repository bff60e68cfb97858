import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey, makeOtherApp } from "../merchant-keys.ts";

/**
 * Issue 8 §5.1: the merchant API takes API keys made by `npm run kassa -- keys create`: a
 * missing, malformed, unknown or revoked key is 401, a read-only key cannot write (403), a
 * key sees only its own app, several keys live at once for rotation, last use is written at
 * most once a minute, and every key is limited on its own. No key reaches the logs.
 */
let kassa: KassaUnderTest;
let readWrite: { secret: string; keyId: string };

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  readWrite = await makeApiKey(kassa, { name: "erp" });
});
afterAll(async () => {
  await kassa?.close();
});

const get = (path: string, secret?: string, headers: Record<string, string> = {}) =>
  kassa.request("GET", path, {
    headers: { ...(secret ? { authorization: `Bearer ${secret}` } : {}), ...headers },
  });
const post = (path: string, secret: string, body?: unknown) =>
  kassa.request("POST", path, { headers: { authorization: `Bearer ${secret}` }, ...(body ? { body } : {}) });
const lastUsed = async (keyId: string) =>
  (
    await kassa.running.kassa.deps.db
      .selectFrom("api_keys")
      .select("last_used_at")
      .where("id", "=", keyId)
      .executeTakeFirstOrThrow()
  ).last_used_at;

describe("merchant API keys", () => {
  it("lets a key made by the CLI read its app's catalog, and stores only the key's hash", async () => {
    const answer = await get("/merchant/v1/products", readWrite.secret);
    expect(answer.status).toBe(200);
    expect((answer.body as { data: { id: string }[] }).data.map((p) => p.id)).toContain("prd_jasmine_tea");
    expect(answer.headers.get("cache-control")).toBe("no-store");
    const row = await kassa.running.kassa.deps.db
      .selectFrom("api_keys")
      .selectAll()
      .where("id", "=", readWrite.keyId)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(readWrite.secret.slice(8));
    expect(row.secret_hint).toBe(`${readWrite.secret.slice(0, 12)}…`);
  });

  it("answers 401 MERCHANT_KEY_REQUIRED without a key, and MERCHANT_KEY_INVALID for a malformed or unknown one", async () => {
    expect((await get("/merchant/v1/products")).body).toMatchObject({ code: "MERCHANT_KEY_REQUIRED" });
    for (const secret of [
      "sk_test_short",
      `sk_prod_${"a".repeat(43)}`,
      `sk_test_${"a".repeat(43)}`,
      `${readWrite.secret}x`,
      "kst_notamerchantkey000000000000000000000000000",
    ]) {
      const answer = await get("/merchant/v1/products", secret);
      expect(answer.status, secret.slice(0, 10)).toBe(401);
      expect(answer.body).toMatchObject({ code: "MERCHANT_KEY_INVALID" });
    }
    const basic = await get("/merchant/v1/products", undefined, {
      authorization: `Basic ${readWrite.secret}`,
    });
    expect(basic.body).toMatchObject({ code: "MERCHANT_KEY_REQUIRED" });
  });

  it("accepts a key only in the mode it was made for: a live key does not open a demo", async () => {
    const live = await makeApiKey(kassa, { mode: "live" });
    expect(live.secret.startsWith("sk_live_")).toBe(true);
    const answer = await get("/merchant/v1/products", live.secret);
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: "MERCHANT_KEY_INVALID" });
  });

  it("refuses a write with a read-only key (403 MERCHANT_KEY_SCOPE) and changes nothing", async () => {
    const reader = await makeApiKey(kassa, { scopes: "read" });
    expect((await get("/merchant/v1/products/prd_oolong_tea", reader.secret)).status).toBe(200);
    const answer = await post("/merchant/v1/products/prd_oolong_tea", reader.secret, { priceFen: 1 });
    expect(answer.status).toBe(403);
    expect(answer.body).toMatchObject({ code: "MERCHANT_KEY_SCOPE", details: { needs: "write" } });
    const product = (await get("/merchant/v1/products/prd_oolong_tea", reader.secret)).body;
    expect(product).toMatchObject({ priceFen: 1800 });
  });

  it("keeps several keys live at once, and a revoked key stops working while the other goes on", async () => {
    const { runKassaCommand } = await import("../../src/app/merchant/keys-command.ts");
    const next = await makeApiKey(kassa, { name: "rotation" });
    const old = await makeApiKey(kassa, { name: "to revoke" });
    expect((await get("/merchant/v1/products", old.secret)).status).toBe(200);
    const out: string[] = [];
    const io = {
      db: kassa.running.kassa.deps.db,
      mode: "test" as const,
      now: () => kassa.running.kassa.deps.clock.now(),
      ids: { random: () => "unused" },
      out: (line: string) => out.push(line),
      err: (line: string) => out.push(line),
    };
    expect(await runKassaCommand(["keys", "revoke", old.keyId], io)).toBe(0);
    expect((await get("/merchant/v1/products", old.secret)).body).toMatchObject({
      code: "MERCHANT_KEY_INVALID",
    });
    expect((await get("/merchant/v1/products", next.secret)).status).toBe(200);
    expect(await runKassaCommand(["keys", "list", "--app", "app_default"], io)).toBe(0);
    const listing = out.join("\n");
    expect(listing).toMatch(new RegExp(`${old.keyId}.*revoked`));
    expect(listing).toMatch(new RegExp(`${next.keyId}.*live`));
    expect(listing).not.toContain(next.secret);
  });

  it("writes a key's last use at most once a minute", async () => {
    const key = await makeApiKey(kassa);
    expect(await lastUsed(key.keyId)).toBeNull();
    await get("/merchant/v1/products", key.secret);
    const first = await lastUsed(key.keyId);
    expect(first).not.toBeNull();
    await kassa.sandbox.admin.advanceClock(30_000);
    await get("/merchant/v1/products", key.secret);
    await get("/merchant/v1/products", key.secret);
    expect(await lastUsed(key.keyId)).toBe(first);
    await kassa.sandbox.admin.advanceClock(31_000);
    await get("/merchant/v1/products", key.secret);
    expect(await lastUsed(key.keyId)).toBeGreaterThanOrEqual((first ?? 0) + 60_000);
  });

  it("never shows or changes another app's data with this app's key, and the other app's key sees only its own", async () => {
    const otherApp = await makeOtherApp(kassa);
    const other = await makeApiKey(kassa, { app: otherApp });
    const theirs = (await get("/merchant/v1/products", other.secret)).body as { data: { id: string }[] };
    expect(theirs.data.map((p) => p.id)).toEqual(["prd_other_cake"]);
    const ours = (await get("/merchant/v1/products", readWrite.secret)).body as { data: { id: string }[] };
    expect(ours.data.map((p) => p.id)).not.toContain("prd_other_cake");
    expect((await get("/merchant/v1/products/prd_jasmine_tea", other.secret)).body).toMatchObject({
      code: "CATALOG_PRODUCT_NOT_FOUND",
    });
    for (const [path, body] of [
      ["/merchant/v1/products/prd_jasmine_tea", { priceFen: 1 }],
      ["/merchant/v1/products/prd_jasmine_tea/stock", { stock: 0 }],
      ["/merchant/v1/products/prd_jasmine_tea/deactivate", undefined],
    ] as const) {
      expect((await post(path, other.secret, body)).status, path).toBe(404);
    }
    expect((await get("/merchant/v1/products/prd_jasmine_tea", readWrite.secret)).body).toMatchObject({
      priceFen: 1200,
      active: true,
    });
    const payer = await kassa.login();
    const order = (
      await kassa.request("POST", "/v1/orders", {
        token: payer,
        body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
      })
    ).body as { id: string };
    expect((await get(`/merchant/v1/orders/${order.id}`, other.secret)).body).toMatchObject({
      code: "ORDER_NOT_FOUND",
    });
    expect((await get(`/merchant/v1/orders/${order.id}`, readWrite.secret)).status).toBe(200);
    expect(((await get("/merchant/v1/orders", other.secret)).body as { data: unknown[] }).data).toEqual([]);
    expect(((await get("/merchant/v1/events", other.secret)).body as { data: unknown[] }).data).toEqual([]);
  });
});
