import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";
import { topUpAtSimulator } from "../wallet.ts";

/**
 * The wallet's APIs (issue 9 §3): the merchant sets tiers, reads balances and adjusts a
 * wallet with a reason (Idempotency-Key: once however often sent); the payer reads the
 * balance and a paged history. The money moves through the simulator. SQLite and PostgreSQL.
 */
let kassa: KassaUnderTest;
let key: string;
let payer: string;
let userId: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start({ KASSA_RATE_LIMIT_PER_USER: "1000" });
  key = (await makeApiKey(kassa)).secret;
  payer = await kassa.login();
  const session = await kassa.running.kassa.deps.db
    .selectFrom("sessions")
    .select("user_id")
    .executeTakeFirstOrThrow();
  userId = session.user_id;
});
afterAll(async () => {
  await kassa?.close();
});
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

const auth = (headers: Record<string, string> = {}) => ({ authorization: `Bearer ${key}`, ...headers });
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  kassa.request("POST", path, { headers: auth(headers), body });
const get = (path: string) => kassa.request("GET", path, { headers: auth() });
const balance = async () => (await kassa.request("GET", "/v1/wallet", { token: payer })).body;

describe("the merchant's top-up tiers", () => {
  it("are created, changed and withdrawn, and payers see only those on offer, at their new price", async () => {
    const created = await post("/merchant/v1/wallet/tiers", { amountFen: 10_000, bonusFen: 1_000 });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const tier = created.body as { id: string };
    expect(tier).toMatchObject({ amountFen: 10_000, bonusFen: 1_000, creditFen: 11_000, active: true });
    const plain = (await post("/merchant/v1/wallet/tiers", { amountFen: 5_000 })).body as { id: string };
    const changed = await post(`/merchant/v1/wallet/tiers/${tier.id}`, { bonusFen: 1_500 });
    expect(changed).toMatchObject({ status: 200, body: { bonusFen: 1_500, creditFen: 11_500 } });
    expect((await post(`/merchant/v1/wallet/tiers/${plain.id}`, { active: false })).status).toBe(200);
    const offered = (await kassa.request("GET", "/v1/wallet/tiers", { token: payer })).body as {
      data: { id: string }[];
    };
    expect(offered.data).toContainEqual({
      id: tier.id,
      amountFen: 10_000,
      bonusFen: 1_500,
      creditFen: 11_500,
    });
    expect(offered.data.map((offer) => offer.id)).not.toContain(plain.id);
    const all = ((await get("/merchant/v1/wallet/tiers")).body as { data: { id: string; active: boolean }[] })
      .data;
    expect(all).toContainEqual(expect.objectContaining({ id: plain.id, active: false }));
    const unknown = await post("/merchant/v1/wallet/tiers/wtr_nope", { active: false });
    expect(unknown).toMatchObject({ status: 404, body: { code: "WALLET_TIER_NOT_FOUND" } });
    const topUp = await topUpAtSimulator(kassa, payer, { tierId: tier.id });
    expect(topUp).toMatchObject({ amountFen: 10_000, bonusFen: 1_500 });
    expect(await balance()).toEqual({ balanceFen: 11_500, balanceYuan: "115.00" });
  });
});

describe("a manual adjustment", () => {
  it("credits once however often it is sent with one Idempotency-Key, and shows in balances and history", async () => {
    const before = (await balance()) as { balanceFen: number };
    const body = { userId, amountFen: 500, reason: "goodwill: late delivery" };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        post("/merchant/v1/wallet/adjustments", body, { "idempotency-key": "adj-1" }),
      ),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((status) => status === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((status) => status === 201 || status === 409)).toBe(true);
    const ids = new Set(answers.filter((a) => a.status === 201).map((a) => (a.body as { id: string }).id));
    expect(ids.size).toBe(1);
    expect(await balance()).toMatchObject({ balanceFen: before.balanceFen + 500 });
    const balances = await get(`/merchant/v1/wallet/balances?userId=${userId}`);
    expect(balances.body).toEqual({
      data: [
        {
          userId,
          balanceFen: before.balanceFen + 500,
          balanceYuan: expect.any(String),
          createdAt: expect.any(String),
        },
      ],
      nextCursor: null,
    });
    const history = await kassa.request("GET", "/v1/wallet/history?limit=1", { token: payer });
    expect(history.body).toMatchObject({
      data: [{ cause: "wallet_adjustment", orderId: null, amountFen: 500, amountYuan: "5.00" }],
      nextCursor: expect.any(String),
    });
  });

  it("refuses a debit larger than the balance, a payer of no app of this key, and a zero amount, changing nothing", async () => {
    const before = await balance();
    const over = await post("/merchant/v1/wallet/adjustments", {
      userId,
      amountFen: -1_000_000,
      reason: "typo",
    });
    expect(over).toMatchObject({ status: 409, body: { code: "WALLET_INSUFFICIENT_FUNDS" } });
    const stranger = await post("/merchant/v1/wallet/adjustments", {
      userId: "usr_0123456789abcdefghjkmnpqrs",
      amountFen: 100,
      reason: "x",
    });
    expect(stranger).toMatchObject({ status: 404, body: { code: "WALLET_USER_NOT_FOUND" } });
    const zero = await post("/merchant/v1/wallet/adjustments", { userId, amountFen: 0, reason: "x" });
    expect(zero).toMatchObject({ status: 400, body: { code: "REQUEST_INVALID" } });
    expect(await balance()).toEqual(before);
    const adjustments = await kassa.running.kassa.deps.db
      .selectFrom("wallet_adjustments")
      .select("id")
      .execute();
    expect(adjustments).toHaveLength(1);
  });

  it("debits within the balance", async () => {
    const before = (await balance()) as { balanceFen: number };
    const debit = await post("/merchant/v1/wallet/adjustments", {
      userId,
      amountFen: -500,
      reason: "goodwill reversed",
    });
    expect(debit).toMatchObject({ status: 201, body: { amountFen: -500 } });
    expect(await balance()).toMatchObject({ balanceFen: before.balanceFen - 500 });
  });
});

describe("the payer's wallet history", () => {
  it("pages newest first through every movement, neither repeating nor skipping one", async () => {
    const order = (
      await kassa.request("POST", "/v1/orders", {
        token: payer,
        body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
      })
    ).body as { id: string };
    expect(
      (await kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token: payer })).status,
    ).toBe(200);
    const seen: { cause: string; amountFen: number }[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/v1/wallet/history?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = (await kassa.request("GET", path, { token: payer })).body as {
        data: { cause: string; amountFen: number }[];
        nextCursor: string | null;
      };
      seen.push(...page.data);
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.map((item) => [item.cause, item.amountFen])).toEqual([
      ["wallet_payment", -1_200],
      ["wallet_adjustment", -500],
      ["wallet_adjustment", 500],
      ["payment_captured", 11_500],
    ]);
    const total = seen.reduce((sum, item) => sum + item.amountFen, 0);
    expect(await balance()).toMatchObject({ balanceFen: total });
    const forged = await kassa.request("GET", "/v1/wallet/history?cursor=bm9wZQ", { token: payer });
    expect(forged).toMatchObject({ status: 400, body: { code: "REQUEST_INVALID" } });
  });
});
