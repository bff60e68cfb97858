import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { deliver, paymentNotification } from "../notifications.ts";
import { addTier, type OrderBody, topUpAtSimulator, walletOfOrder } from "../wallet.ts";

/**
 * A wallet top-up (issue 9 §3) is an order priced by the server from the app's tier or a
 * custom amount within its bounds, paid through WeChat Pay at the simulator over real HTTP;
 * its capture credits the wallet amount + bonus, the bonus booked as promotions, once,
 * whatever duplicates race it. SQLite and PostgreSQL.
 */
let kassa: KassaUnderTest;
let token: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start({
    KASSA_WALLET_TOP_UP_MIN_FEN: "500",
    KASSA_WALLET_TOP_UP_MAX_FEN: "100000",
    // The product's cap (the harness lifts it for other flows): the cap test fills it.
    KASSA_MAX_OPEN_ORDERS_PER_USER: "5",
  });
  token = await kassa.login();
  await addTier(kassa, "wtr_hundred", 10_000, 1_000);
  await addTier(kassa, "wtr_withdrawn", 20_000, 5_000);
  await kassa.running.kassa.deps.db
    .updateTable("wallet_tiers")
    .set({ active: 0 })
    .where("id", "=", "wtr_withdrawn")
    .execute();
});
afterAll(async () => {
  await kassa?.close();
});
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

async function postingsOf(orderId: string) {
  const db = kassa.running.kassa.deps.db;
  const entries = await db.selectFrom("ledger_entries").selectAll().where("order_id", "=", orderId).execute();
  const postings = await db
    .selectFrom("ledger_postings")
    .select(["account_code", "amount_fen"])
    .where("app_id", "=", "app_default")
    .where("entry_seq", "in", entries.length ? entries.map((entry) => entry.seq) : [-1])
    .orderBy("entry_seq")
    .orderBy("line")
    .execute();
  return { entries, postings: postings.map((p) => [p.account_code.replace(/usr_\w+/, "u"), p.amount_fen]) };
}

describe("a wallet top-up", () => {
  it("lists only the tiers on offer, and the custom bounds", async () => {
    const tiers = (await kassa.request("GET", "/v1/wallet/tiers", { token })).body as {
      data: { id: string; amountFen: number }[];
      customAmount: unknown;
    };
    expect(tiers.data).toContainEqual({
      id: "wtr_hundred",
      amountFen: 10_000,
      bonusFen: 1_000,
      creditFen: 11_000,
    });
    expect(tiers.data.map((tier) => tier.id)).not.toContain("wtr_withdrawn");
    // Smallest amount first (demo mode seeds tiers of its own, docs/wallet.md).
    const amounts = tiers.data.map((tier) => tier.amountFen);
    expect(amounts).toEqual([...amounts].sort((a, b) => a - b));
    expect(tiers.customAmount).toEqual({ minFen: 500, maxFen: 100_000 });
  });

  it("of a tier credits amount + bonus once paid, as Dr clearing / Dr promotions / Cr wallet", async () => {
    const order = await topUpAtSimulator(kassa, token, { tierId: "wtr_hundred" });
    expect(order).toMatchObject({ kind: "top_up", amountFen: 10_000, bonusFen: 1_000, status: "PAID" });
    const { entries, postings } = await postingsOf(order.id);
    expect(entries).toMatchObject([{ cause_type: "payment_captured" }]);
    expect(postings).toEqual([
      ["wechatpay:clearing", 10_000],
      ["promotions", 1_000],
      ["wallet:u", -11_000],
    ]);
    expect(await walletOfOrder(kassa, order.id)).toBe(11_000);
  });

  it("of a custom amount gets no bonus, and is credited once when five copies of its notification arrive at once", async () => {
    const order = await topUpAtSimulator(kassa, token, { amountFen: 5_000 });
    const balance = await walletOfOrder(kassa, order.id);
    const copy = await paymentNotification(kassa, {
      outTradeNo: order.id,
      amountFen: 5_000,
      id: `dup-${order.id}`,
    });
    const statuses = await Promise.all(Array.from({ length: 5 }, () => deliver(kassa, copy)));
    expect(statuses.every((status) => status < 300)).toBe(true);
    const { entries, postings } = await postingsOf(order.id);
    expect(entries).toHaveLength(1);
    expect(postings).toEqual([
      ["wechatpay:clearing", 5_000],
      ["wallet:u", -5_000],
    ]);
    expect(await walletOfOrder(kassa, order.id)).toBe(balance);
  });

  it("refuses a withdrawn or unknown tier, and a custom amount outside the bounds, and makes no order", async () => {
    const count = async () =>
      (await kassa.running.kassa.deps.db.selectFrom("orders").select("id").execute()).length;
    const orders = await count();
    for (const tierId of ["wtr_withdrawn", "wtr_nope"]) {
      const refused = await kassa.request("POST", "/v1/wallet/top-ups", { token, body: { tierId } });
      expect(refused).toMatchObject({ status: 404, body: { code: "WALLET_TIER_NOT_FOUND" } });
    }
    for (const amountFen of [499, 100_001]) {
      const refused = await kassa.request("POST", "/v1/wallet/top-ups", { token, body: { amountFen } });
      expect(refused).toMatchObject({
        status: 400,
        body: { code: "WALLET_TOP_UP_AMOUNT_OUT_OF_BOUNDS", details: { minFen: 500, maxFen: 100_000 } },
      });
    }
    const priced = await kassa.request("POST", "/v1/wallet/top-ups", {
      token,
      body: { amountFen: 1_000, bonusFen: 99_000 },
    });
    expect(priced).toMatchObject({ status: 400, body: { code: "REQUEST_INVALID" } });
    expect(await count()).toBe(orders);
  });

  it("cannot itself be paid from the wallet", async () => {
    const created = await kassa.request("POST", "/v1/wallet/top-ups", { token, body: { amountFen: 1_000 } });
    const order = created.body as OrderBody;
    const refused = await kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token });
    expect(refused).toMatchObject({ status: 409, body: { code: "WALLET_PAYMENT_NOT_ALLOWED" } });
  });

  it("with the same Idempotency-Key, sent five times at once and again, is one top-up order", async () => {
    const payer = await kassa.login();
    const headers = { "idempotency-key": "top-up-once-1" };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        kassa.request("POST", "/v1/wallet/top-ups", {
          token: payer,
          headers,
          body: { tierId: "wtr_hundred" },
        }),
      ),
    );
    const made = answers.filter((answer) => answer.status === 201);
    expect(made.length).toBeGreaterThanOrEqual(1);
    // The rest saw the first still running, or its stored answer.
    for (const answer of answers.filter((a) => a.status !== 201))
      expect(answer.body).toMatchObject({ code: "IDEMPOTENCY_KEY_IN_PROGRESS" });
    expect(new Set(made.map((answer) => (answer.body as OrderBody).id)).size).toBe(1);
    const again = await kassa.request("POST", "/v1/wallet/top-ups", {
      token: payer,
      headers,
      body: { tierId: "wtr_hundred" },
    });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect((again.body as OrderBody).id).toBe((made[0]!.body as OrderBody).id);
    const other = await kassa.request("POST", "/v1/wallet/top-ups", {
      token: payer,
      headers,
      body: { amountFen: 600 },
    });
    expect(other.body).toMatchObject({ code: "IDEMPOTENCY_KEY_REUSED" });
  });

  it("counts as an open order: a payer holding the most unpaid orders can make no more top-ups, nor purchases", async () => {
    const payer = await kassa.login();
    const max = kassa.running.kassa.deps.settings.maxOpenOrdersPerUser;
    for (let made = 0; made < max; made += 1) {
      const topUp = await kassa.request("POST", "/v1/wallet/top-ups", {
        token: payer,
        body: { amountFen: 500 },
      });
      expect(topUp.status).toBe(201);
    }
    const refused = await kassa.request("POST", "/v1/wallet/top-ups", {
      token: payer,
      body: { amountFen: 500 },
    });
    expect(refused).toMatchObject({
      status: 409,
      body: { code: "ORDER_LIMIT_REACHED", details: { limit: "open_orders", max } },
    });
    const purchase = await kassa.request("POST", "/v1/orders", {
      token: payer,
      body: { items: [{ productId: "prd_oolong_tea", quantity: 1 }] },
    });
    expect(purchase.body).toMatchObject({ code: "ORDER_LIMIT_REACHED", details: { limit: "open_orders" } });
  });
});
