import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { type OrderBody, topUpAtSimulator, walletOfOrder } from "../wallet.ts";

/**
 * Paying a purchase from the wallet (issue 9 §3): one transaction, no channel call; the
 * order PAID, a `wallet` payment PAID and its `wallet_paid` entry together, or nothing. An
 * overdraw is refused by the ledger's CHECK, also when 50 payments spend one balance at once
 * ("Done when"). The wallet is filled through WeChat Pay at the simulator. SQLite and PostgreSQL.
 */
const TEA = 1_200;
let kassa: KassaUnderTest;

beforeAll(async () => {
  // 50 orders and 50 payments of one payer inside a minute.
  kassa = await KassaUnderTest.start({ KASSA_RATE_LIMIT_PER_USER: "1000" });
});
afterAll(async () => {
  await kassa?.close();
});
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

async function newOrder(token: string): Promise<OrderBody> {
  const created = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
  });
  expect(created.status).toBe(201);
  return created.body as OrderBody;
}

describe("paying an order from the wallet", () => {
  it("makes the order PAID and books Dr wallet / Cr sales, with no call to WeChat Pay", async () => {
    const token = await kassa.login();
    const topUp = await topUpAtSimulator(kassa, token, { amountFen: 2_000 });
    const order = await newOrder(token);
    const callsBefore = kassa.sandbox.admin.listOrders().length;
    const paid = await kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body).toMatchObject({
      id: order.id,
      status: "PAID",
      transactionId: expect.stringMatching(/^pay_/),
    });
    expect(kassa.sandbox.admin.listOrders().length).toBe(callsBefore);
    expect(await walletOfOrder(kassa, topUp.id)).toBe(2_000 - TEA);
    const db = kassa.running.kassa.deps.db;
    const payments = await db
      .selectFrom("payments")
      .select(["channel", "status"])
      .where("order_id", "=", order.id)
      .orderBy("created_at")
      .execute();
    expect(payments).toEqual([
      { channel: "wechatpay", status: "CLOSED" },
      { channel: "wallet", status: "PAID" },
    ]);
    const events = await db
      .selectFrom("outbox_events")
      .select("type")
      .where("aggregate_id", "=", order.id)
      .execute();
    expect(events).toEqual([{ type: "order.paid" }]);
    // Paid is paid: neither the wallet nor WeChat Pay can pay it again.
    const again = await kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token });
    expect(again).toMatchObject({ status: 409, body: { code: "ORDER_NOT_PAYABLE" } });
    const wechat = await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token });
    expect(wechat).toMatchObject({ status: 409, body: { code: "ORDER_NOT_PAYABLE" } });
  });

  it("refuses a balance too low with WALLET_INSUFFICIENT_FUNDS and leaves the order payable by WeChat Pay", async () => {
    const token = await kassa.login();
    await topUpAtSimulator(kassa, token, { amountFen: 1_000 });
    const order = await newOrder(token);
    const refused = await kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token });
    expect(refused).toMatchObject({ status: 409, body: { code: "WALLET_INSUFFICIENT_FUNDS" } });
    expect((await kassa.request("GET", `/v1/orders/${order.id}`, { token })).body).toMatchObject({
      status: "PENDING",
    });
    const wechat = await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token });
    expect(wechat.status).toBe(200);
  });

  it("refuses an order already sent to WeChat Pay (it could still be paid there)", async () => {
    const token = await kassa.login();
    await topUpAtSimulator(kassa, token, { amountFen: 5_000 });
    const order = await newOrder(token);
    expect((await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token })).status).toBe(200);
    const refused = await kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token });
    expect(refused).toMatchObject({ status: 409, body: { code: "ORDER_ALREADY_AT_CHANNEL" } });
  });

  it("never overdraws: 50 concurrent payments against a balance that covers 10 pay exactly 10", async () => {
    const token = await kassa.login();
    const topUp = await topUpAtSimulator(kassa, token, { amountFen: 10 * TEA });
    const orders: OrderBody[] = [];
    for (let i = 0; i < 50; i += 1) orders.push(await newOrder(token));
    const answers = await Promise.all(
      orders.map((order) => kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token })),
    );
    const codes = answers.map((answer) =>
      answer.status === 200 ? "PAID" : (answer.body as { code: string }).code,
    );
    expect(codes.filter((code) => code === "PAID")).toHaveLength(10);
    expect(codes.filter((code) => code === "WALLET_INSUFFICIENT_FUNDS")).toHaveLength(40);
    expect(await walletOfOrder(kassa, topUp.id)).toBe(0);
    const db = kassa.running.kassa.deps.db;
    const spent = await db
      .selectFrom("ledger_entries")
      .select("order_id")
      .where("cause_type", "=", "wallet_payment")
      .where(
        "order_id",
        "in",
        orders.map((order) => order.id),
      )
      .execute();
    expect(spent).toHaveLength(10);
  });
});
