import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import type { WalletCreditedPayload } from "../../src/domain/events.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";
import { deliver, paymentNotification } from "../notifications.ts";
import { untilPaid } from "../pay-order.ts";
import { untilRefundIs } from "../refunds.ts";
import { addTier, type OrderBody, topUpAtSimulator, walletOfOrder } from "../wallet.ts";
import { addEndpoint, ReceiverPool, verified } from "../webhook-flows.ts";

/**
 * Issue 11, `wallet.credited`: every ledger entry that credits a wallet tells the merchant
 * once, in its own transaction, with the balance after it; its object is the wallet, whose
 * events `sequence` numbers. Through the simulator over real HTTP: a top-up whose notification
 * arrives 4 times at once (the simulator's own and 3 copies), a wallet payment refunded, an
 * operator's credit (and a debit, which tells nothing), and an endpoint that takes only
 * `wallet.credited` receiving it signed. checkLedger after each. SQLite and PostgreSQL.
 */
let kassa: KassaUnderTest;
let key: string;
const receivers = new ReceiverPool();

beforeAll(async () => {
  kassa = await KassaUnderTest.start({ KASSA_RATE_LIMIT_PER_USER: "1000" });
  key = (await makeApiKey(kassa)).secret;
  await addTier(kassa, "wtr_events", 10_000, 1_000);
});
afterAll(async () => {
  await kassa?.close();
});
afterEach(async () => {
  await receivers.endTest(kassa);
  await expectLedgerHolds(kassa.running.kassa.deps.db);
});

const db = () => kassa.running.kassa.deps.db;
const merchant = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  kassa.request(method, `/merchant/v1${path}`, {
    headers: { authorization: `Bearer ${key}`, ...headers },
    ...(body === undefined ? {} : { body }),
  });

async function userOf(orderId: string): Promise<string> {
  const row = await db()
    .selectFrom("orders")
    .select("user_id")
    .where("id", "=", orderId)
    .executeTakeFirstOrThrow();
  return row.user_id;
}

/** The wallet's events in sequence order, as webhooks deliver them. */
async function walletEvents(userId: string) {
  const rows = await db()
    .selectFrom("outbox_events")
    .select(["id", "type", "aggregate_seq", "payload"])
    .where("aggregate_id", "=", `wallet:${userId}`)
    .orderBy("aggregate_seq")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    type: row.type,
    sequence: Number(row.aggregate_seq),
    data: JSON.parse(row.payload) as WalletCreditedPayload,
  }));
}

type FeedEvent = { id: string; type: string; orderId: string | null; subject: string; sequence: number };

/** Every event of GET /merchant/v1/events, page after page. */
async function feedOfApp(): Promise<FeedEvent[]> {
  const all: FeedEvent[] = [];
  let after = "";
  for (;;) {
    const page = (await merchant("GET", `/events?limit=100${after}`)).body as {
      data: FeedEvent[];
      hasMore: boolean;
      nextCursor: string;
    };
    all.push(...page.data);
    if (!page.hasMore) return all;
    after = `&after=${page.nextCursor}`;
  }
}

/**
 * A top-up paid at the simulator's cashier while 3 copies of its notification (each under its
 * own notification id, so none is dropped as a repeat) race the simulator's own to Kassa.
 */
async function topUpRacedByCopies(token: string, body: { tierId: string } | { amountFen: number }) {
  const created = await kassa.request("POST", "/v1/wallet/top-ups", { token, body });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const order = created.body as OrderBody;
  const params = (await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token })).body as object;
  const copies = await Promise.all(
    [1, 2, 3].map((n) =>
      paymentNotification(kassa, {
        outTradeNo: order.id,
        amountFen: order.amountFen,
        id: `copy${n}-${order.id}`,
      }),
    ),
  );
  const [cashier, ...statuses] = await Promise.all([
    fetch(`${kassa.sandbox.url}/cashier/api/pay`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...params, bankType: "CMB_CREDIT" }),
    }),
    ...copies.map((copy) => deliver(kassa, copy)),
  ]);
  expect(cashier?.status).toBe(200);
  expect(statuses.every((status) => (status as number) < 300)).toBe(true);
  await untilPaid(kassa, token, order.id);
  return order;
}

describe("wallet.credited", () => {
  it("is written once for a top-up whose notification arrives 4 times at once, with the balance after it", async () => {
    const token = await kassa.login();
    const order = await topUpRacedByCopies(token, { tierId: "wtr_events" });
    const userId = await userOf(order.id);
    const payment = await db()
      .selectFrom("payments")
      .select("id")
      .where("order_id", "=", order.id)
      .executeTakeFirstOrThrow();
    expect(await walletEvents(userId)).toEqual([
      {
        id: expect.stringMatching(/^evt_/),
        type: "wallet.credited",
        sequence: 1,
        data: {
          userId,
          amountFen: 11_000,
          balanceFen: 11_000,
          cause: { type: "payment_captured", id: payment.id },
          orderId: order.id,
          description: "wallet top-up paid through wechatpay",
        },
      },
    ]);
    // A second top-up is the wallet's next event, its balance the sum.
    const second = await topUpRacedByCopies(token, { amountFen: 500 });
    const events = await walletEvents(userId);
    expect(events.map((event) => [event.sequence, event.data.amountFen, event.data.balanceFen])).toEqual([
      [1, 11_000, 11_000],
      [2, 500, 11_500],
    ]);
    expect(events[1]?.data.orderId).toBe(second.id);
    expect(await walletOfOrder(kassa, order.id)).toBe(11_500);
  });

  it("is written when an order paid from the wallet is refunded, and not for the spend", async () => {
    const token = await kassa.login();
    const topUp = await topUpRacedByCopies(token, { amountFen: 5_000 });
    const userId = await userOf(topUp.id);
    const order = (
      await kassa.request("POST", "/v1/orders", {
        token,
        body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
      })
    ).body as OrderBody;
    const paid = await kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(await walletEvents(userId)).toHaveLength(1);
    const refunded = await merchant(
      "POST",
      `/orders/${order.id}/refunds`,
      { amountFen: 1 },
      { "idempotency-key": `wallet-refund-${order.id}` },
    );
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(201);
    const refund = refunded.body as { id: string; status: string };
    expect(refund.status).toBe("SUCCESS");
    // The same key again answers the same refund and credits nothing more.
    await merchant(
      "POST",
      `/orders/${order.id}/refunds`,
      { amountFen: 1 },
      { "idempotency-key": `wallet-refund-${order.id}` },
    );
    const events = await walletEvents(userId);
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({
      sequence: 2,
      data: {
        userId,
        amountFen: 1,
        balanceFen: 5_000 - order.amountFen + 1,
        cause: { type: "refund_succeeded", id: refund.id },
        orderId: order.id,
        description: "refund to the wallet",
      },
    });
    expect(await walletOfOrder(kassa, topUp.id)).toBe(5_000 - order.amountFen + 1);
  });

  it("is written once for an operator's credit sent 3 times, never for a debit, and the feed names the wallet", async () => {
    const token = await kassa.login();
    const topUp = await topUpRacedByCopies(token, { amountFen: 1_000 });
    const userId = await userOf(topUp.id);
    const body = { userId, amountFen: 250, reason: "goodwill" };
    const answers = await Promise.all(
      [1, 2, 3].map(() =>
        merchant("POST", "/wallet/adjustments", body, { "idempotency-key": `credit-${userId}` }),
      ),
    );
    expect(answers.some((answer) => answer.status === 201)).toBe(true);
    const adjustment = answers.find((answer) => answer.status === 201)?.body as { id: string };
    const debit = await merchant("POST", "/wallet/adjustments", {
      userId,
      amountFen: -100,
      reason: "correction",
    });
    expect(debit.status, JSON.stringify(debit.body)).toBe(201);
    const events = await walletEvents(userId);
    expect(events.map((event) => event.data.cause.type)).toEqual(["payment_captured", "wallet_adjustment"]);
    expect(events[1]).toMatchObject({
      sequence: 2,
      data: {
        userId,
        amountFen: 250,
        balanceFen: 1_250,
        cause: { type: "wallet_adjustment", id: adjustment.id },
        orderId: null,
        description: "wallet credited by an operator",
      },
    });
    // The events feed: its subject is the wallet, its orderId null (no order), order events unchanged.
    const all = await feedOfApp();
    expect(all.find((event) => event.id === events[1]?.id)).toMatchObject({
      type: "wallet.credited",
      orderId: null,
      subject: `wallet:${userId}`,
      sequence: 2,
    });
    expect(all.find((event) => event.id === events[0]?.id)).toMatchObject({
      orderId: topUp.id,
      subject: `wallet:${userId}`,
      sequence: 1,
    });
    expect(all.find((event) => event.type === "order.paid" && event.orderId === topUp.id)).toMatchObject({
      subject: topUp.id,
    });
  });

  it("reaches an endpoint that takes only wallet.credited, signed, and nothing else does", async () => {
    const hook = await receivers.start();
    const endpoint = await addEndpoint(kassa, { url: hook.url, eventTypes: ["wallet.credited"] });
    const token = await kassa.login();
    const topUp = await topUpRacedByCopies(token, { amountFen: 800 });
    const userId = await userOf(topUp.id);
    await kassa.runWebhookJobs();
    expect(hook.received).toHaveLength(1);
    const message = verified(endpoint.secret, hook.received[0]!);
    const [event] = await walletEvents(userId);
    expect(message).toMatchObject({
      id: event?.id,
      type: "wallet.credited",
      sequence: 1,
      data: {
        userId,
        amountFen: 800,
        balanceFen: 800,
        orderId: topUp.id,
        cause: { type: "payment_captured" },
      },
    });
    expect(hook.received[0]?.body).not.toMatch(/openid|o-test/i);
  });

  it("is written when a top-up's refund closes and its amount goes back to the wallet", async () => {
    const token = await kassa.login();
    const topUp = await topUpAtSimulator(kassa, token, { amountFen: 2_000 });
    const userId = await userOf(topUp.id);
    const refunded = await merchant(
      "POST",
      `/orders/${topUp.id}/refunds`,
      { amountFen: 2_000 },
      { "idempotency-key": `top-up-refund-${topUp.id}` },
    );
    expect(refunded.status, JSON.stringify(refunded.body)).toBe(201);
    const refund = refunded.body as { id: string; outRefundNo: string };
    expect(await walletOfOrder(kassa, topUp.id)).toBe(0);
    // WeChat Pay closes it: what its request took from the wallet goes back.
    await kassa.sandbox.admin.setRefundOutcome(DEMO_MERCHANT.mchid, refund.outRefundNo, {
      outcome: "CLOSED",
      settleDelayMs: 0,
    });
    await untilRefundIs(kassa, refund.id, "CLOSED");
    const events = await walletEvents(userId);
    expect(events.map((event) => [event.sequence, event.data.cause, event.data.balanceFen])).toEqual([
      [1, { type: "payment_captured", id: expect.stringMatching(/^pay_/) }, 2_000],
      [2, { type: "top_up_refund_released", id: refund.id }, 2_000],
    ]);
    expect(await walletOfOrder(kassa, topUp.id)).toBe(2_000);
  });
});
