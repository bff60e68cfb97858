import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { hashSessionToken, newSessionToken } from "../../src/app/session-tokens.ts";
import { insertSession } from "../../src/db/sessions-repo.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { deliver, paymentNotification } from "../notifications.ts";

/**
 * Issue 8 §1: every user, product and order belongs to an app, and no query crosses apps.
 * A second app of another merchant lives in the same database (made directly, as the apps
 * configuration will make it); the demo app's payer and the other app's payer each see only
 * their own.
 */
let kassa: KassaUnderTest;
let demoPayer: string;
let otherPayer: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  demoPayer = await kassa.login();
  const db = kassa.running.kassa.deps.db;
  const now = kassa.running.kassa.deps.clock.now();
  await db
    .insertInto("merchants")
    .values({ id: "mch_other", name: "Other shop", wechatpay_mchid: "1900000999", created_at: now })
    .execute();
  await db
    .insertInto("apps")
    .values({
      id: "app_other",
      merchant_id: "mch_other",
      name: "Other",
      wechat_appid: "wx0000000000000999",
      created_at: now,
    })
    .execute();
  await db
    .insertInto("products")
    .values({
      id: "prd_other_cake",
      app_id: "app_other",
      name: "Cake",
      price_fen: 500,
      stock: 9,
      active: 1,
      created_at: now,
    })
    .execute();
  await db
    .insertInto("users")
    .values({
      id: "usr_other",
      app_id: "app_other",
      appid: "wx0000000000000999",
      openid: "o-other",
      created_at: now,
    })
    .execute();
  otherPayer = newSessionToken();
  await insertSession(db, {
    tokenHash: hashSessionToken(otherPayer),
    userId: "usr_other",
    now,
    expiresAt: now + 3_600_000,
  });
});
afterAll(async () => {
  await kassa?.close();
});
// Every money flow ends with books that hold (issue 9 §1).
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

const order = (token: string, productId: string) =>
  kassa.request("POST", "/v1/orders", { token, body: { items: [{ productId, quantity: 1 }] } });

describe("no query crosses apps", () => {
  it("keeps another app's products out of this app's catalog", async () => {
    const catalog = (await kassa.request("GET", "/v1/catalog")).body as { items: { id: string }[] };
    expect(catalog.items.map((product) => product.id)).not.toContain("prd_other_cake");
    expect(catalog.items.length).toBeGreaterThan(0);
  });

  it("answers PRODUCT_NOT_FOUND for another app's product, and holds none of its stock", async () => {
    const answer = await order(demoPayer, "prd_other_cake");
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({
      code: "PRODUCT_NOT_FOUND",
      details: { productId: "prd_other_cake" },
    });
    const cake = await kassa.running.kassa.deps.db
      .selectFrom("products")
      .select("stock")
      .where("id", "=", "prd_other_cake")
      .executeTakeFirstOrThrow();
    expect(cake.stock).toBe(9);
  });

  it("lets a payer of the other app order only that app's products, in that app", async () => {
    expect((await order(otherPayer, "prd_jasmine_tea")).body).toMatchObject({ code: "PRODUCT_NOT_FOUND" });
    const mine = await order(otherPayer, "prd_other_cake");
    expect(mine.status).toBe(201);
    const id = (mine.body as { id: string }).id;
    const row = await kassa.running.kassa.deps.db
      .selectFrom("orders")
      .select("app_id")
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row.app_id).toBe("app_other");
  });

  it("never shows one app's orders to the other app's payer", async () => {
    const demoOrder = ((await order(demoPayer, "prd_jasmine_tea")).body as { id: string }).id;
    expect((await kassa.request("GET", `/v1/orders/${demoOrder}`, { token: otherPayer })).status).toBe(404);
    const listed = (await kassa.request("GET", "/v1/orders", { token: otherPayer })).body as {
      data: { id: string }[];
    };
    expect(listed.data.map((o) => o.id)).not.toContain(demoOrder);
    expect(listed.data).toHaveLength(1);
  });
});

describe("notifications reach the right app", () => {
  it("refuses a notification sent to an app this server does not serve, and changes nothing", async () => {
    const created = (await order(demoPayer, "prd_jasmine_tea")).body as { id: string; amountFen: number };
    const genuine = await paymentNotification(kassa, {
      outTradeNo: created.id,
      amountFen: created.amountFen,
    });
    expect(await deliver(kassa, genuine, "/notify/wechatpay/app_other")).toBe(404);
    expect(await deliver(kassa, genuine, "/notify/wechatpay/app_nope")).toBe(404);
    const still = (await kassa.request("GET", `/v1/orders/${created.id}`, { token: demoPayer })).body;
    expect(still).toMatchObject({ status: "PENDING" });

    expect(await deliver(kassa, genuine, "/notify/wechatpay/app_default")).toBe(204);
    const paid = (await kassa.request("GET", `/v1/orders/${created.id}`, { token: demoPayer })).body;
    expect(paid).toMatchObject({ status: "PAID" });
  });

  it("still applies a notification sent to the URL without an app, as prepays made before carried", async () => {
    const created = (await order(demoPayer, "prd_oolong_tea")).body as { id: string; amountFen: number };
    const genuine = await paymentNotification(kassa, {
      outTradeNo: created.id,
      amountFen: created.amountFen,
    });
    expect(await deliver(kassa, genuine, "/notify/wechatpay")).toBe(204);
    const paid = (await kassa.request("GET", `/v1/orders/${created.id}`, { token: demoPayer })).body;
    expect(paid).toMatchObject({ status: "PAID" });
  });

  it("gives the channel a notify URL that names the order's app", async () => {
    const created = (await order(demoPayer, "prd_jasmine_tea")).body as { id: string };
    expect((await kassa.request("POST", `/v1/orders/${created.id}/pay`, { token: demoPayer })).status).toBe(
      200,
    );
    const atChannel = kassa.sandbox.admin.getOrder("1900000109", created.id) as unknown as {
      notifyUrl?: string;
    };
    expect(atChannel.notifyUrl).toBe(`${kassa.url}/notify/wechatpay/app_default`);
  });
});
