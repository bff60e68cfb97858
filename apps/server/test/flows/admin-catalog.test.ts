import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOperator } from "../../src/app/admin/create-operator.ts";
import { verifyAuditChain } from "../../src/db/audit-repo.ts";
import type { OperatorRole } from "../../src/domain/operator-roles.ts";
import { DEMO_PRODUCTS, DEMO_TIERS } from "../../src/seed.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

/**
 * The console's catalog page's routes (issue 12): the products with price and stock and the
 * top-up tiers, read by every role; a price or stock changed by an admin only, validated
 * (integer fen, stock not negative), and audited with before and after. An operator of another
 * app sees and changes none of this app's (admin-api.test.ts tries every role on each route).
 */
let kassa: KassaUnderTest;
const PASSWORD = "Catalog-password-5";
type Session = { cookie: string; csrf: string };
const sessions: Record<string, Session> = {};

async function loggedIn(login: string): Promise<Session> {
  const answer = await kassa.request("POST", "/admin/v1/session", { body: { login, password: PASSWORD } });
  expect(answer.status).toBe(201);
  const cookie = (answer.headers.get("set-cookie") ?? "").split(";")[0] as string;
  kassa.rememberSecret(cookie.split("=")[1] as string);
  return { cookie, csrf: (answer.body as { csrfToken: string }).csrfToken };
}
function as(who: Session | undefined, method: string, path: string, body?: unknown, csrf = true) {
  return kassa.request(method, path, {
    headers: { cookie: who?.cookie ?? "", ...(csrf && who ? { "x-csrf-token": who.csrf } : {}) },
    ...(body !== undefined ? { body } : {}),
  });
}
async function stored(productId: string) {
  return kassa.running.kassa.deps.db
    .selectFrom("products")
    .select(["price_fen", "stock"])
    .where("id", "=", productId)
    .executeTakeFirstOrThrow();
}

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  const deps = kassa.running.kassa.deps;
  for (const role of ["viewer", "support", "finance", "admin"] as OperatorRole[])
    await createOperator(deps, { login: role, role, appIds: undefined, password: PASSWORD }, undefined);
  await createOperator(
    deps,
    { login: "other-app", role: "admin", appIds: ["app_other"], password: PASSWORD },
    undefined,
  );
  for (const login of ["viewer", "support", "finance", "admin", "other-app"])
    sessions[login] = await loggedIn(login);
}, 60_000);
afterAll(async () => {
  await kassa?.close();
});

describe("reading the catalog", () => {
  it("lists the products with price in fen and stock, paged on the server, to a viewer", async () => {
    const first = await as(sessions.viewer, "GET", "/admin/v1/products?limit=3");
    expect(first.status).toBe(200);
    const page = first.body as {
      data: { id: string; priceFen: number; stock: number }[];
      nextCursor: string;
    };
    expect(page.data).toHaveLength(3);
    const second = (await as(sessions.viewer, "GET", `/admin/v1/products?limit=3&cursor=${page.nextCursor}`))
      .body as { data: { id: string }[]; nextCursor: string | null };
    const all = [...page.data, ...second.data];
    expect(all.map((product) => product.id).sort()).toEqual(
      DEMO_PRODUCTS.map((product) => product.id).sort(),
    );
    expect(second.nextCursor).toBeNull();
    expect(all.find((product) => product.id === "prd_mooncake")).toMatchObject({ priceFen: 2550, stock: 20 });
  });

  it("lists the top-up tiers by amount", async () => {
    const answer = await as(sessions.support, "GET", "/admin/v1/wallet-tiers");
    expect(answer.status).toBe(200);
    const tiers = (answer.body as { data: { id: string; amountFen: number; bonusFen: number }[] }).data;
    expect(tiers.map((tier) => tier.id)).toEqual([...DEMO_TIERS].reverse().map((tier) => tier.id));
  });
});

describe("changing a product", () => {
  it("sets the stock and the price, and audits both with before and after", async () => {
    const answer = await as(sessions.admin, "POST", "/admin/v1/products/prd_oolong_tea", {
      priceFen: 1990,
      stock: 37,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({
      id: "prd_oolong_tea",
      priceFen: 1990,
      priceYuan: "19.90",
      stock: 37,
    });
    expect(await stored("prd_oolong_tea")).toEqual({ price_fen: 1990, stock: 37 });
    const entries = await kassa.running.kassa.deps.db
      .selectFrom("audit_log")
      .select(["action", "before", "after", "app_id"])
      .where("object_id", "=", "prd_oolong_tea")
      .execute();
    expect(entries).toHaveLength(1);
    expect(entries[0]?.action).toBe("product.update");
    expect(entries[0]?.app_id).toBe("app_default");
    expect(JSON.parse(entries[0]?.before ?? "null")).toEqual({ priceFen: 1800, stock: 100 });
    expect(JSON.parse(entries[0]?.after ?? "null")).toEqual({ priceFen: 1990, stock: 37 });
    expect(await verifyAuditChain(kassa.running.kassa.deps.db)).toMatchObject({ ok: true });
  });

  it("refuses a price that is not whole fen, zero or negative, a negative stock, and an empty change", async () => {
    for (const body of [
      { priceFen: 12.5 },
      { priceFen: 0 },
      { priceFen: -100 },
      { stock: -1 },
      { stock: 1.5 },
      {},
    ]) {
      const answer = await as(sessions.admin, "POST", "/admin/v1/products/prd_mooncake", body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ code: "REQUEST_INVALID" });
    }
    expect(await stored("prd_mooncake")).toEqual({ price_fen: 2550, stock: 20 });
  });

  it("answers a product that does not exist as CATALOG_PRODUCT_NOT_FOUND, and audits nothing", async () => {
    const answer = await as(sessions.admin, "POST", "/admin/v1/products/prd_nothing_here", { stock: 3 });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: "CATALOG_PRODUCT_NOT_FOUND" });
    const entries = await kassa.running.kassa.deps.db
      .selectFrom("audit_log")
      .select("action")
      .where("object_id", "=", "prd_nothing_here")
      .execute();
    expect(entries).toEqual([]);
  });

  it("is refused to support and finance, and without the CSRF token, and changes nothing", async () => {
    for (const role of ["viewer", "support", "finance"]) {
      const answer = await as(sessions[role], "POST", "/admin/v1/products/prd_mooncake", { stock: 0 });
      expect(answer.status, role).toBe(403);
      expect(answer.body).toMatchObject({ code: "ADMIN_FORBIDDEN" });
    }
    const noToken = await as(sessions.admin, "POST", "/admin/v1/products/prd_mooncake", { stock: 0 }, false);
    expect(noToken.status).toBe(403);
    expect(noToken.body).toMatchObject({ code: "ADMIN_CSRF_INVALID" });
    expect(await stored("prd_mooncake")).toEqual({ price_fen: 2550, stock: 20 });
  });

  it("answers another app's operator as if this app did not exist, on every catalog route, and changes nothing", async () => {
    for (const [method, path, body] of [
      ["GET", "/admin/v1/products", undefined],
      ["GET", "/admin/v1/products?app=app_default", undefined],
      ["GET", "/admin/v1/wallet-tiers", undefined],
      ["POST", "/admin/v1/products/prd_mooncake", { stock: 0 }],
      ["POST", "/admin/v1/products/prd_mooncake?app=app_default", { priceFen: 1 }],
    ] as const) {
      const answer = await as(sessions["other-app"], method, path, body);
      expect(answer.status, path).toBe(404);
      expect(answer.body).toMatchObject({ code: "APP_NOT_FOUND" });
    }
    expect(await stored("prd_mooncake")).toEqual({ price_fen: 2550, stock: 20 });
  });
});
