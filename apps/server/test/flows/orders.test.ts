import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { claimPrepayLease, findPaymentOfOrder } from "../../src/db/payments-repo.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";

let kassa: KassaUnderTest;
let alice: string;
let bob: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  alice = await kassa.login();
  bob = await kassa.login();
});
afterAll(async () => {
  await kassa?.close();
});
// Every money flow ends with books that hold (issue 9 §1).
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

const tea = (quantity = 1) => ({ items: [{ productId: "prd_jasmine_tea", quantity }] });
type OrderBody = { id: string; status: string; amountFen: number };

describe("orders over HTTP, against the simulator", () => {
  it("prices the order on the server from the catalog", async () => {
    const answer = await kassa.request("POST", "/v1/orders", { token: alice, body: tea(2) });
    expect(answer.status).toBe(201);
    expect(answer.body).toMatchObject({ status: "PENDING", amountFen: 2400, amountYuan: "24.00" });
  });

  it("refuses a client-sent price as an unknown field, and stores nothing", async () => {
    const before = await kassa.running.kassa.deps.db.selectFrom("orders").select("id").execute();
    const answer = await kassa.request("POST", "/v1/orders", {
      token: alice,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1, priceFen: 1 }] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: "REQUEST_INVALID" });
    const after = await kassa.running.kassa.deps.db.selectFrom("orders").select("id").execute();
    expect(after).toHaveLength(before.length);
  });

  it("answers the same Idempotency-Key and body with the same order", async () => {
    const headers = { "idempotency-key": "same-key-1" };
    const first = await kassa.request("POST", "/v1/orders", { token: alice, body: tea(), headers });
    const second = await kassa.request("POST", "/v1/orders", { token: alice, body: tea(), headers });
    expect((second.body as OrderBody).id).toBe((first.body as OrderBody).id);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
  });

  it("refuses the same Idempotency-Key with a different body", async () => {
    const headers = { "idempotency-key": "same-key-2" };
    await kassa.request("POST", "/v1/orders", { token: alice, body: tea(1), headers });
    const changed = await kassa.request("POST", "/v1/orders", { token: alice, body: tea(3), headers });
    expect(changed.status).toBe(422);
    expect(changed.body).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
  });

  it("makes exactly one order when the same key is sent 8 times at once", async () => {
    const headers = { "idempotency-key": "burst-key" };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        kassa.request("POST", "/v1/orders", { token: bob, body: tea(), headers }),
      ),
    );
    const created = answers.filter((answer) => answer.status === 201);
    const ids = new Set(created.map((answer) => (answer.body as OrderBody).id));
    expect(ids.size).toBe(1);
    for (const answer of answers.filter((a) => a.status !== 201)) {
      expect(answer.status).toBe(409);
      expect(answer.body).toMatchObject({ code: "IDEMPOTENCY_KEY_IN_PROGRESS" });
    }
    const stored = await kassa.running.kassa.deps.db
      .selectFrom("idempotency_keys")
      .selectAll()
      .where("key", "=", "burst-key")
      .execute();
    expect(stored).toHaveLength(1);
  });

  it("hides another user's order: read, pay and cancel all answer 404", async () => {
    const order = (await kassa.request("POST", "/v1/orders", { token: alice, body: tea() }))
      .body as OrderBody;
    for (const [method, path] of [
      ["GET", `/v1/orders/${order.id}`],
      ["POST", `/v1/orders/${order.id}/pay`],
      ["POST", `/v1/orders/${order.id}/cancel`],
      ["POST", `/v1/orders/${order.id}/confirm`],
    ] as const) {
      const answer = await kassa.request(method, path, { token: bob });
      expect(answer.status, `${method} ${path}`).toBe(404);
      expect(answer.body).toMatchObject({ code: "ORDER_NOT_FOUND" });
    }
  });

  it("never sells the same stock twice under concurrent orders", async () => {
    const { stock } = await kassa.running.kassa.deps.db
      .selectFrom("products")
      .select("stock")
      .where("id", "=", "prd_mooncake")
      .executeTakeFirstOrThrow();
    const answers = await Promise.all(
      Array.from({ length: stock + 10 }, (_, n) =>
        kassa.request("POST", "/v1/orders", {
          token: n % 2 ? alice : bob,
          body: { items: [{ productId: "prd_mooncake", quantity: 1 }] },
        }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 201)).toHaveLength(stock);
    const refused = answers.filter((answer) => answer.status !== 201);
    expect(refused).toHaveLength(10);
    for (const answer of refused) expect(answer.body).toMatchObject({ code: "PRODUCT_OUT_OF_STOCK" });
    const after = await kassa.running.kassa.deps.db
      .selectFrom("products")
      .select("stock")
      .where("id", "=", "prd_mooncake")
      .executeTakeFirstOrThrow();
    expect(after.stock).toBe(0);
  });

  it("leases no second prepay once one is saved: a call that read the payment before it was, prepays nothing", async () => {
    const order = (await kassa.request("POST", "/v1/orders", { token: alice, body: tea() }))
      .body as OrderBody;
    const first = await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token: alice });
    expect(first.status).toBe(200);
    // The saved prepay ended the first call's lease; a racing call that had read the payment
    // without a prepay reaches for the lease only now. It must not get it.
    const deps = kassa.running.kassa.deps;
    const payment = await findPaymentOfOrder(deps.db, order.id);
    expect(await claimPrepayLease(deps.db, payment?.id ?? "", deps.clock.now(), 60_000)).toBe(false);
    const again = await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token: alice });
    expect((again.body as { package: string }).package).toBe((first.body as { package: string }).package);
    expect(kassa.sandbox.admin.getOrder(DEMO_MERCHANT.mchid, order.id).prepays).toHaveLength(1);
  });

  it("makes one prepay at the channel when pay is called 6 times at once", async () => {
    const order = (await kassa.request("POST", "/v1/orders", { token: alice, body: tea() }))
      .body as OrderBody;
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => kassa.request("POST", `/v1/orders/${order.id}/pay`, { token: alice })),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const packages = new Set(answers.map((answer) => (answer.body as { package: string }).package));
    expect(packages.size).toBe(1);
    const channelOrder = kassa.sandbox.admin.getOrder(DEMO_MERCHANT.mchid, order.id);
    expect(channelOrder.prepays).toHaveLength(1);
    expect(channelOrder.amountTotal).toBe(1200);
  });

  it("cancels at the channel first, then here, and gives the stock back", async () => {
    const stockOf = async () =>
      (
        await kassa.running.kassa.deps.db
          .selectFrom("products")
          .select("stock")
          .where("id", "=", "prd_oolong_tea")
          .executeTakeFirstOrThrow()
      ).stock;
    const before = await stockOf();
    const order = (
      await kassa.request("POST", "/v1/orders", {
        token: bob,
        body: { items: [{ productId: "prd_oolong_tea", quantity: 3 }] },
      })
    ).body as OrderBody;
    expect(await stockOf()).toBe(before - 3);
    await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token: bob });
    const cancelled = await kassa.request("POST", `/v1/orders/${order.id}/cancel`, { token: bob });
    expect(cancelled.body).toMatchObject({ status: "CLOSED" });
    expect(kassa.sandbox.admin.getOrder(DEMO_MERCHANT.mchid, order.id).state).toBe("CLOSED");
    expect(await stockOf()).toBe(before);
    const payAgain = await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token: bob });
    expect(payAgain.status).toBe(409);
    expect(payAgain.body).toMatchObject({ code: "ORDER_NOT_PAYABLE" });
  });
});

describe("sessions", () => {
  it("needs a session token for orders", async () => {
    const answer = await kassa.request("POST", "/v1/orders", { body: tea() });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: "AUTH_SESSION_REQUIRED" });
  });

  it("refuses an unknown token", async () => {
    const answer = await kassa.request("GET", "/v1/orders/ord_0000000000000000000000000", {
      token: "kst_forged",
    });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ code: "AUTH_SESSION_INVALID" });
  });

  it("refuses a login code used twice, as WeChat does (40163)", async () => {
    const code = await kassa.sandbox.admin.mintLoginCode({ appid: DEMO_MERCHANT.appid });
    expect((await kassa.request("POST", "/v1/session", { body: { code: code.code } })).status).toBe(201);
    const again = await kassa.request("POST", "/v1/session", { body: { code: code.code } });
    expect(again.status).toBe(401);
    expect(again.body).toMatchObject({ code: "AUTH_LOGIN_CODE_INVALID" });
  });

  it("never returns the openid or the session_key", async () => {
    const code = await kassa.sandbox.admin.mintLoginCode({ appid: DEMO_MERCHANT.appid });
    const answer = await kassa.request("POST", "/v1/session", { body: { code: code.code } });
    expect(Object.keys(answer.body as object).sort()).toEqual(["expiresAt", "token"]);
    expect(JSON.stringify(answer.body)).not.toContain(code.openid);
  });
});
