import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RefundView } from "../../src/app/refund-view.ts";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey, makeOtherApp } from "../merchant-keys.ts";
import { payOrderAtSimulator } from "../pay-order.ts";
import { aMinuteLater, eventsOfOrder, refundEntries, refundsAtChannel, untilRefundIs } from "../refunds.ts";

/**
 * Refunds through the merchant API (issue 9 §2), against the simulator over real HTTP:
 * create with an Idempotency-Key, read and list, the ABNORMAL decisions, stock returned,
 * and the events webhooks carry. checkLedger after each.
 */
let kassa: KassaUnderTest;
let token: string;
let key: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  token = await kassa.login();
  key = (await makeApiKey(kassa)).secret;
});
afterAll(async () => {
  await kassa?.close();
});
beforeEach(() => {
  kassa.sandbox.admin.clearFaults();
});
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

const merchant = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  kassa.request(method, `/merchant/v1${path}`, {
    headers: { authorization: `Bearer ${key}`, ...headers },
    ...(body === undefined ? {} : { body }),
  });

const refund = (orderId: string, body: unknown, headers?: Record<string, string>) =>
  merchant("POST", `/orders/${orderId}/refunds`, body, headers);

const stockOf = async (productId: string) =>
  ((await merchant("GET", `/products/${productId}`)).body as { stock: number }).stock;

describe("POST /merchant/v1/orders/:orderId/refunds", () => {
  it("refunds 1 fen, then the whole remainder; a replay of the key answers the first refund and makes no second", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    const first = await refund(
      order.id,
      { amountFen: 1, reason: "运费 shipping" },
      { "idempotency-key": `r1-${order.id}` },
    );
    expect(first.status).toBe(201);
    const one = first.body as RefundView;
    expect(one).toMatchObject({ orderId: order.id, amountFen: 1, amountYuan: "0.01", status: "PROCESSING" });
    const replay = await refund(
      order.id,
      { amountFen: 1, reason: "运费 shipping" },
      { "idempotency-key": `r1-${order.id}` },
    );
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect((replay.body as RefundView).id).toBe(one.id);
    await aMinuteLater(kassa);
    const rest = (await refund(order.id, { amountFen: order.amountFen - 1 })).body as RefundView;
    expect(rest.status).toBe("PROCESSING");
    expect((await refund(order.id, { amountFen: 1 })).body).toMatchObject({
      code: "REFUND_AMOUNT_TOO_LARGE",
      details: { refundableFen: 0 },
    });
    await aMinuteLater(kassa);
    await untilRefundIs(kassa, rest.id, "SUCCESS");
    expect(refundsAtChannel(kassa, order.id).map((r) => r.status)).toEqual(["SUCCESS", "SUCCESS"]);
    const listed = (await merchant("GET", `/orders/${order.id}/refunds`)).body as { data: RefundView[] };
    expect(listed.data.map((r) => [r.id, r.status])).toEqual([
      [one.id, "SUCCESS"],
      [rest.id, "SUCCESS"],
    ]);
    expect((await merchant("GET", `/orders/${order.id}`)).body).toMatchObject({
      status: "PAID",
      refundedFen: order.amountFen,
    });
    expect(await eventsOfOrder(kassa, order.id)).toEqual([
      "order.paid",
      "refund.succeeded",
      "order.refunded",
      "refund.succeeded",
      "order.refunded",
    ]);
    const detail = (await merchant("GET", `/orders/${order.id}`)).body as {
      timeline: { type: string; detail?: { refundId?: string } }[];
    };
    const refundMoments = detail.timeline
      .filter((entry) => entry.type.startsWith("refund."))
      .map((entry) => [entry.type, entry.detail?.refundId]);
    expect(refundMoments).toEqual([
      ["refund.requested", one.id],
      ["refund.succeeded", one.id],
      ["refund.requested", rest.id],
      ["refund.succeeded", rest.id],
    ]);
    const feed = (await merchant("GET", "/events?limit=100")).body as {
      data: { type: string; orderId: string }[];
    };
    expect(feed.data.filter((event) => event.orderId === order.id).map((event) => event.type)).toContain(
      "order.refunded",
    );
  });

  it("refuses an unpaid order, an unknown or another app's order, and a body it does not take, changing nothing", async () => {
    const created = await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
    });
    const unpaid = (created.body as { id: string }).id;
    expect((await refund(unpaid, { amountFen: 1 })).body).toMatchObject({ code: "ORDER_NOT_REFUNDABLE" });
    expect((await refund("ord_unknown", { amountFen: 1 })).status).toBe(404);
    const otherApp = await makeOtherApp(kassa, "refunds");
    const otherKey = (await makeApiKey(kassa, { app: otherApp })).secret;
    const paid = await payOrderAtSimulator(kassa, token);
    const foreign = await kassa.request("POST", `/merchant/v1/orders/${paid.id}/refunds`, {
      headers: { authorization: `Bearer ${otherKey}` },
      body: { amountFen: 1 },
    });
    expect(foreign.body).toMatchObject({ code: "ORDER_NOT_FOUND" });
    expect((await refund(paid.id, { amountFen: 0 })).body).toMatchObject({ code: "REQUEST_INVALID" });
    expect((await refund(paid.id, { amountFen: 1, extra: 1 })).body).toMatchObject({
      code: "REQUEST_INVALID",
    });
    expect((await refund(paid.id, { amountFen: 1, reason: "x".repeat(81) })).body).toMatchObject({
      code: "REQUEST_INVALID",
    });
    expect((await merchant("GET", `/orders/${paid.id}/refunds`)).body).toEqual({ data: [] });
    expect((await merchant("GET", "/refunds/rfd_unknown")).body).toMatchObject({ code: "REFUND_NOT_FOUND" });
  });

  it("puts the order's units back in stock when a refund that asks for it succeeds, once", async () => {
    const before = await stockOf("prd_jasmine_tea");
    const order = await payOrderAtSimulator(kassa, token, [{ productId: "prd_jasmine_tea", quantity: 2 }]);
    expect(await stockOf("prd_jasmine_tea")).toBe(before - 2);
    const half = (await refund(order.id, { amountFen: order.amountFen / 2, returnStock: true }))
      .body as RefundView;
    await aMinuteLater(kassa);
    await untilRefundIs(kassa, half.id, "SUCCESS");
    expect(await stockOf("prd_jasmine_tea")).toBe(before);
    const other = (await refund(order.id, { amountFen: order.amountFen / 2, returnStock: true }))
      .body as RefundView;
    await aMinuteLater(kassa);
    await untilRefundIs(kassa, other.id, "SUCCESS");
    expect(await stockOf("prd_jasmine_tea")).toBe(before);
  });
});

describe("ABNORMAL refunds", () => {
  async function abnormalRefund() {
    const order = await payOrderAtSimulator(kassa, token);
    const made = (await refund(order.id, { amountFen: order.amountFen })).body as RefundView;
    await kassa.sandbox.admin.setRefundOutcome(DEMO_MERCHANT.mchid, made.outRefundNo, {
      outcome: "ABNORMAL",
      settleDelayMs: 0,
    });
    await untilRefundIs(kassa, made.id, "ABNORMAL");
    return { order, made };
  }

  it("raise an alert and an event, and wait: retry follows it at the channel again until SUCCESS", async () => {
    const { order, made } = await abnormalRefund();
    const alerts = await kassa.running.kassa.deps.db
      .selectFrom("alerts")
      .select("kind")
      .where("subject_id", "=", order.id)
      .execute();
    expect(alerts).toEqual([{ kind: "refund_abnormal" }]);
    expect(await eventsOfOrder(kassa, order.id)).toEqual(["order.paid", "refund.abnormal"]);
    expect(await refundEntries(kassa, made.id)).toBe(0);
    const retried = await merchant("POST", `/refunds/${made.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ status: "PROCESSING" });
    // WeChat Pay settles it once the cause is fixed on its side (§5.6).
    await kassa.sandbox.admin.setRefundOutcome(DEMO_MERCHANT.mchid, made.outRefundNo, {
      outcome: "SUCCESS",
      settleDelayMs: 0,
    });
    await untilRefundIs(kassa, made.id, "SUCCESS");
    expect(await refundEntries(kassa, made.id)).toBe(1);
    expect((await merchant("POST", `/refunds/${made.id}/retry`)).body).toMatchObject({
      code: "REFUND_NOT_ABNORMAL",
      details: { status: "SUCCESS" },
    });
  });

  it("can be marked settled offline: SUCCESS, booked once; a late SUCCESS of the channel books nothing more and raises an alert", async () => {
    const { order, made } = await abnormalRefund();
    const settled = await merchant("POST", `/refunds/${made.id}/settle-offline`, undefined, {
      "idempotency-key": `settle-${made.id}`,
    });
    expect(settled.body).toMatchObject({ status: "SUCCESS", settledOffline: true });
    expect(await refundEntries(kassa, made.id)).toBe(1);
    const again = await merchant("POST", `/refunds/${made.id}/settle-offline`, undefined, {
      "idempotency-key": `settle-${made.id}`,
    });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    await kassa.sandbox.admin.setRefundOutcome(DEMO_MERCHANT.mchid, made.outRefundNo, {
      outcome: "SUCCESS",
      settleDelayMs: 0,
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await refundEntries(kassa, made.id)).toBe(1);
    expect((await merchant("GET", `/refunds/${made.id}`)).body).toMatchObject({
      status: "SUCCESS",
      settledOffline: true,
    });
    expect((await merchant("GET", `/orders/${order.id}`)).body).toMatchObject({
      refundedFen: order.amountFen,
    });
  });
});
