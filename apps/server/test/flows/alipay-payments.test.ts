import { createPrivateKey, type KeyObject } from "node:crypto";
import { signedNotificationBody } from "@kassa/alipay";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_ALIPAY_APP } from "../../src/channels/demo-sandbox.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { payAtAlipayCashier, untilPaid } from "../pay-order.ts";
import { refundEntries, refundThroughUseCase, storedRefund } from "../refunds.ts";

/**
 * Issue 14: an Alipay mini program's payer, end to end through the simulator's Alipay
 * gateway over real HTTP, as the WeChat flows are: my.getAuthCode → oauth.token at login,
 * trade.create at the pay call, the buyer at the cashier standing in for my.tradePay,
 * Alipay's signed form notification to /notify/alipay/<app>, query-back, expiry and close,
 * refunds, and faults on each.
 */
let kassa: KassaUnderTest;
let token: string;
const { appId } = DEMO_ALIPAY_APP;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  token = await kassa.loginAlipay();
});
afterAll(async () => {
  await kassa?.close();
});
beforeEach(() => {
  kassa.sandbox.admin.clearFaults();
});
// Every money flow ends with books that hold (issue 9 §1).
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

type OrderBody = {
  id: string;
  status: string;
  channel?: string;
  amountFen: number;
  transactionId: string | null;
};

async function newOrder(): Promise<OrderBody> {
  const created = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
  });
  expect(created.status).toBe(201);
  return created.body as OrderBody;
}
const order = async (id: string) =>
  (await kassa.request("GET", `/v1/orders/${id}`, { token })).body as OrderBody;
const tradesOf = (outTradeNo: string) =>
  kassa.sandbox.admin.listAlipayTrades({ appId }).filter((trade) => trade.outTradeNo === outTradeNo);
const eventsOf = async (orderId: string) =>
  (
    await kassa.running.kassa.deps.db
      .selectFrom("outbox_events")
      .select("type")
      .where("aggregate_id", "=", orderId)
      .execute()
  ).map((row) => row.type);
async function cashier(body: Record<string, string>) {
  const answer = await fetch(`${kassa.sandbox.url}/alipay/cashier/api/trade-pay`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await answer.json()) as { resultCode: string; paid: boolean };
}
/** The simulator's Alipay key for the demo app: what signs its answers and notifications. */
function alipayKey(): KeyObject {
  const app = kassa.sandbox.context.store
    .table<{ alipayKey: { privateKeyPem: string } }>("alipayApps")
    .get(appId);
  if (!app) throw new Error("the simulator has no demo Alipay app");
  return createPrivateKey(app.alipayKey.privateKeyPem);
}
/** The Alipay notifications of a trade, and what became of them at the simulator. */
const notifications = (outTradeNo: string) =>
  kassa.sandbox.admin.listAlipayNotifications({ appId, outTradeNo });
/**
 * Waits until the simulator has recorded `count` attempts of the trade's notification: it
 * records each once Kassa answered it (or, dropped, once it was not sent), so what Kassa did
 * with them has happened. Not a sleep: on a loaded machine a fixed wait could end before the
 * attempt it waits for, and the test would pass without it.
 */
async function untilAttempts(outTradeNo: string, count: number): Promise<void> {
  for (let tries = 0; tries < 250; tries += 1) {
    if ((notifications(outTradeNo)[0]?.attempts.length ?? 0) >= count) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`the notification of ${outTradeNo} never had ${count} attempts`);
}

/** What Kassa's pay call answers an Alipay payer: the tradeNO for my.tradePay (A.2). */
async function tradeNoOf(orderId: string): Promise<string> {
  const answer = await kassa.request("POST", `/v1/orders/${orderId}/pay`, { token });
  expect(answer.status).toBe(200);
  return (answer.body as { tradeNO: string }).tradeNO;
}

/** The buyer pays at the cashier (the mini program told `resultCode`) and every notification is dropped. */
async function paidButNeverNotified(resultCode: string): Promise<{ created: OrderBody; tradeNO: string }> {
  kassa.sandbox.admin.addFault({
    endpoint: "notify.alipay.trade",
    fault: "notify_drop",
    times: 10,
    mchid: appId,
  });
  const created = await newOrder();
  const tradeNO = await tradeNoOf(created.id);
  expect(await cashier({ tradeNO, action: "pay", resultCode })).toMatchObject({ paid: true });
  await untilAttempts(created.id, 1);
  expect((await order(created.id)).status).toBe("PENDING");
  return { created, tradeNO };
}

describe("an Alipay mini program's payments", () => {
  it("pays: the pay call answers my.tradePay's tradeNO, the buyer pays, Alipay's notification makes the order PAID, answered success", async () => {
    const created = await newOrder();
    expect(created).toMatchObject({ status: "PENDING", channel: "alipay" });
    const tradeNO = await payAtAlipayCashier(kassa, token, created.id);
    expect(tradesOf(created.id)).toMatchObject([
      { tradeNo: tradeNO, status: "TRADE_SUCCESS", totalFen: 1200 },
    ]);
    expect(await order(created.id)).toMatchObject({
      status: "PAID",
      channel: "alipay",
      transactionId: tradeNO,
    });
    expect((await eventsOf(created.id)).filter((type) => type === "order.paid")).toHaveLength(1);
    await untilAttempts(created.id, 1);
    // A.4: Kassa answered the literal `success`, so Alipay stopped sending.
    expect(notifications(created.id)).toMatchObject([{ status: "DELIVERED" }]);
    // Asking again for a paid order's pay call is refused, never a second trade.
    expect((await kassa.request("POST", `/v1/orders/${created.id}/pay`, { token })).status).toBe(409);
    expect(tradesOf(created.id)).toHaveLength(1);
  });

  it("the pay call again before paying hands out the same trade; the result code is only a hint", async () => {
    const created = await newOrder();
    const first = await tradeNoOf(created.id);
    expect(await tradeNoOf(created.id)).toBe(first);
    // A.2: the mini program hears 9000 though the buyer cancelled: the order stays unpaid.
    expect(await cashier({ tradeNO: first, action: "cancel", resultCode: "9000" })).toMatchObject({
      resultCode: "9000",
      paid: false,
    });
    const confirmed = await kassa.request("POST", `/v1/orders/${created.id}/confirm`, { token });
    expect(confirmed.body).toMatchObject({ status: "PENDING" });
  });

  it("applies a notification delivered twice once: one order.paid, one capture in the ledger", async () => {
    kassa.sandbox.admin.addFault({
      endpoint: "notify.alipay.trade",
      fault: "notify_duplicate",
      times: 1,
      mchid: appId,
    });
    const created = await newOrder();
    await payAtAlipayCashier(kassa, token, created.id);
    await untilAttempts(created.id, 2); // both deliveries answered
    expect((await eventsOf(created.id)).filter((type) => type === "order.paid")).toHaveLength(1);
    const captures = await kassa.running.kassa.deps.db
      .selectFrom("ledger_entries")
      .select("seq")
      .where("order_id", "=", created.id)
      .execute();
    expect(captures).toHaveLength(1);
  });

  it("refuses a validly signed notification for another amount, and takes the true one when Alipay sends it again", async () => {
    kassa.sandbox.admin.addFault({
      endpoint: "notify.alipay.trade",
      fault: "alipay_notify_wrong_amount",
      times: 1,
      mchid: appId,
    });
    const created = await newOrder();
    const tradeNO = await tradeNoOf(created.id);
    expect(await cashier({ tradeNO, action: "pay" })).toMatchObject({ paid: true });
    await untilAttempts(created.id, 1);
    // A.4 check (b): refused, and not answered success, so Alipay delivers again.
    expect((await order(created.id)).status).toBe("PENDING");
    expect(notifications(created.id)).toMatchObject([{ status: "PENDING" }]);
    await kassa.sandbox.admin.advanceClock(4 * 60_000 + 1_000); // A.4: the next attempt after 4 minutes
    await untilPaid(kassa, token, created.id);
    const alerts = await kassa.running.kassa.deps.db
      .selectFrom("alerts")
      .select("kind")
      .where("subject_id", "=", created.id)
      .execute();
    expect(alerts.map((alert) => alert.kind)).toContain("payment_amount_mismatch");
  });

  it("answers a tampered or forged notification with fail, and changes nothing", async () => {
    const created = await newOrder();
    await kassa.request("POST", `/v1/orders/${created.id}/pay`, { token });
    const forged = new URLSearchParams({
      notify_id: "forged-1",
      notify_type: "trade_status_sync",
      notify_time: "2026-12-03 12:00:00",
      app_id: appId,
      out_trade_no: created.id,
      trade_no: "2026120322001400000000000099",
      trade_status: "TRADE_SUCCESS",
      total_amount: "12.00",
      seller_id: DEMO_ALIPAY_APP.sellerId,
      sign_type: "RSA2",
      sign: Buffer.from("not a signature").toString("base64"),
    });
    const answer = await fetch(`${kassa.url}/notify/alipay/app_default`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: forged.toString(),
    });
    expect(answer.status).toBe(401);
    expect(await answer.text()).toBe("fail");
    expect((await order(created.id)).status).toBe("PENDING");
  });

  it("learns a payment whose notifications never arrive by asking Alipay: confirm queries trade.query", async () => {
    // A.2: 8000 means "ask": the mini program confirms, and Kassa asks Alipay.
    const { created, tradeNO } = await paidButNeverNotified("8000");
    const confirmed = await kassa.request("POST", `/v1/orders/${created.id}/confirm`, { token });
    expect(confirmed.body).toMatchObject({ status: "PAID", transactionId: tradeNO });
  });

  it("learns a payment whose notifications never arrive, and nobody confirms, by Kassa's own query-back", async () => {
    // The mini program closed before my.tradePay returned (6002): no confirm call comes.
    const { created, tradeNO } = await paidButNeverNotified("6002");
    await kassa.sandbox.admin.advanceClock(61_000); // the query-back a minute after the prepay (§4.6)
    await kassa.runJobs();
    expect(await order(created.id)).toMatchObject({ status: "PAID", transactionId: tradeNO });
    expect((await eventsOf(created.id)).filter((type) => type === "order.paid")).toHaveLength(1);
  });

  it("closes an unpaid order when it expires, at Alipay too: the buyer can no longer pay the trade", async () => {
    const created = await newOrder();
    const tradeNO = await tradeNoOf(created.id);
    await kassa.sandbox.admin.advanceClock(31 * 60_000);
    await kassa.runJobs();
    expect((await order(created.id)).status).toBe("CLOSED");
    expect(tradesOf(created.id)).toMatchObject([{ status: "TRADE_CLOSED" }]);
    expect(await cashier({ tradeNO, action: "pay" })).toMatchObject({ resultCode: "4000", paid: false });
  });

  it("refunds at once: Alipay's answer makes the refund SUCCESS, booked once; the trade shows it refunded", async () => {
    const created = await newOrder();
    await payAtAlipayCashier(kassa, token, created.id);
    const refund = await refundThroughUseCase(kassa, { orderId: created.id, amountFen: 500 });
    expect(refund).toMatchObject({ status: "SUCCESS", amountFen: 500 });
    const stored = await storedRefund(kassa, refund.id);
    expect(stored.channelRefundId).toBe(`${tradesOf(created.id)[0]?.tradeNo}:${stored.outRefundNo}`);
    expect(tradesOf(created.id)).toMatchObject([{ refundedFen: 500, status: "TRADE_SUCCESS" }]);
    await kassa.runJobs();
    expect(await order(created.id)).toMatchObject({ status: "PAID", refundedFen: 500 });
    const rest = await refundThroughUseCase(kassa, { orderId: created.id, amountFen: 700 });
    expect(rest).toMatchObject({ status: "SUCCESS" });
    expect(tradesOf(created.id)).toMatchObject([{ refundedFen: 1200, status: "TRADE_CLOSED" }]);
    // A fully refunded trade is TRADE_CLOSED at Alipay, and still a paid order at Kassa.
    await kassa.request("POST", `/v1/orders/${created.id}/confirm`, { token });
    expect(await order(created.id)).toMatchObject({ status: "PAID", refundedFen: 1200 });
  });

  it("a refund whose answer was lost is settled by Alipay's refund notification: the refund it names, booked once", async () => {
    const created = await newOrder();
    const tradeNO = await payAtAlipayCashier(kassa, token, created.id);
    kassa.sandbox.admin.addFault({
      endpoint: "alipay.trade.refund",
      fault: "apply_then_reset",
      times: 1,
      mchid: appId,
    });
    const refund = await refundThroughUseCase(kassa, { orderId: created.id, amountFen: 400 });
    expect(refund.status).toBe("PROCESSING"); // Alipay refunded; Kassa did not hear it
    // A.4: Alipay's notification of the refund, signed with its key; refund_fee is the trade's total.
    const fields = {
      notify_id: `refund-${refund.id}`,
      notify_type: "trade_status_sync",
      notify_time: "2026-12-03 12:00:00",
      app_id: appId,
      out_trade_no: created.id,
      trade_no: tradeNO,
      trade_status: "TRADE_SUCCESS",
      total_amount: "12.00",
      seller_id: DEMO_ALIPAY_APP.sellerId,
      out_biz_no: refund.outRefundNo,
      refund_fee: "4.00",
      gmt_refund: "2026-12-03 12:00:00",
    };
    const answer = await fetch(`${kassa.url}/notify/alipay/app_default`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: signedNotificationBody(fields, alipayKey()),
    });
    expect(await answer.text()).toBe("success");
    expect(await storedRefund(kassa, refund.id)).toMatchObject({ status: "SUCCESS", amountFen: 400 });
    expect(await refundEntries(kassa, refund.id)).toBe(1);
  });

  it("a trade.create whose answer was lost is asked again as the same trade: one trade at Alipay, paid once", async () => {
    const created = await newOrder();
    kassa.sandbox.admin.addFault({
      endpoint: "alipay.trade.create",
      fault: "apply_then_reset",
      times: 1,
      mchid: appId,
    });
    const lost = await kassa.request("POST", `/v1/orders/${created.id}/pay`, { token });
    expect(lost.status).toBe(504);
    expect(lost.body).toMatchObject({ code: "CHANNEL_OUTCOME_UNKNOWN" });
    expect(tradesOf(created.id)).toHaveLength(1); // Alipay made it before the answer was lost
    const tradeNO = await payAtAlipayCashier(kassa, token, created.id);
    expect(tradesOf(created.id)).toMatchObject([{ tradeNo: tradeNO, status: "TRADE_SUCCESS" }]);
    expect((await eventsOf(created.id)).filter((type) => type === "order.paid")).toHaveLength(1);
  });

  it("refuses an Alipay login to an app without an Alipay account, by name", async () => {
    const answer = await kassa.request("POST", "/v1/session", {
      body: { code: "anycode", channel: "alipay", app: "app_nowhere" },
    });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ code: "APP_NOT_FOUND" });
    const refused = await kassa.request("POST", "/v1/session", {
      body: { code: "used-or-unknown", channel: "alipay" },
    });
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({ code: "AUTH_LOGIN_CODE_INVALID" });
  });
});
