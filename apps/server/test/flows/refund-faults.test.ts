import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RefundView } from "../../src/app/refund-view.ts";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";
import { deliver, paymentNotification } from "../notifications.ts";
import { payOrderAtSimulator } from "../pay-order.ts";
import {
  aMinuteLater,
  eventsOfOrder,
  refundEntries,
  refundsAtChannel,
  storedRefund,
  untilRefundIs,
} from "../refunds.ts";

/**
 * Refund faults (issue 9 "Done when", quality-bar.md): duplicated and dropped notifications,
 * a storm of concurrent refunds, lost and late answers, each injected by the simulator over
 * real HTTP and checked against its own record of what happened; checkLedger after each.
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

const refund = (orderId: string, body: unknown) =>
  kassa.request("POST", `/merchant/v1/orders/${orderId}/refunds`, {
    headers: { authorization: `Bearer ${key}` },
    body,
  });

const refundNotifications = (outRefundNo: string) =>
  kassa.sandbox.admin.listNotifications({ mchid: DEMO_MERCHANT.mchid, outRefundNo });

async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error("the condition never held");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("refund faults resolve to the channel's truth", () => {
  it.each(["SUCCESS", "CLOSED", "ABNORMAL"] as const)(
    "applies a %s notification delivered five times, two and then three at once, exactly once",
    async (outcome) => {
      const order = await payOrderAtSimulator(kassa, token);
      const made = (await refund(order.id, { amountFen: order.amountFen })).body as RefundView;
      kassa.sandbox.admin.addFault({
        endpoint: "notify.refund",
        fault: "notify_concurrent_duplicate",
        times: 1,
      });
      await kassa.sandbox.admin.setRefundOutcome(DEMO_MERCHANT.mchid, made.outRefundNo, {
        outcome,
        settleDelayMs: 0,
      });
      await until(() => refundNotifications(made.outRefundNo)[0]?.status === "DELIVERED");
      const [notification] = refundNotifications(made.outRefundNo);
      await Promise.all([1, 2, 3].map(() => kassa.sandbox.admin.resendNotification(notification!.id)));
      await untilRefundIs(kassa, made.id, outcome);
      expect(await refundEntries(kassa, made.id)).toBe(outcome === "SUCCESS" ? 1 : 0);
      const events = (await eventsOfOrder(kassa, order.id)).filter((type) => type !== "order.paid");
      expect(events).toEqual(
        outcome === "SUCCESS" ? ["refund.succeeded", "order.refunded"] : [`refund.${outcome.toLowerCase()}`],
      );
      const alerts = await kassa.running.kassa.deps.db
        .selectFrom("alerts")
        .select("kind")
        .where("subject_id", "=", order.id)
        .execute();
      expect(alerts).toHaveLength(outcome === "ABNORMAL" ? 1 : 0);
    },
  );

  it("never refunds more than was paid when 50 refunds of one order are asked at once", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    const third = order.amountFen / 3;
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => refund(order.id, { amountFen: third })),
    );
    const made = answers.filter((answer) => answer.status === 201).map((answer) => answer.body as RefundView);
    expect(made).toHaveLength(3);
    for (const answer of answers.filter((answer) => answer.status !== 201))
      expect(answer.body).toMatchObject({ code: "REFUND_AMOUNT_TOO_LARGE" });
    // WeChat Pay takes one refund of an order a minute (§5.4, 429): the others are asked again.
    for (let minute = 0; minute < 15; minute += 1) {
      const statuses = await Promise.all(made.map(async (r) => (await storedRefund(kassa, r.id)).status));
      if (statuses.every((status) => status === "SUCCESS")) break;
      await aMinuteLater(kassa);
    }
    for (const r of made) await untilRefundIs(kassa, r.id, "SUCCESS");
    const atChannel = refundsAtChannel(kassa, order.id);
    expect(atChannel.map((r) => r.outRefundNo).sort()).toEqual(made.map((r) => r.outRefundNo).sort());
    expect(atChannel.reduce((sum, r) => sum + r.amountRefund, 0)).toBe(order.amountFen);
  });

  it("resolves a refund whose every notification is dropped by the query-back", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    kassa.sandbox.admin.addFault({ endpoint: "notify.refund", fault: "notify_drop" });
    const made = (await refund(order.id, { amountFen: order.amountFen })).body as RefundView;
    await aMinuteLater(kassa);
    expect(refundsAtChannel(kassa, order.id)).toMatchObject([{ status: "SUCCESS" }]);
    expect(refundNotifications(made.outRefundNo).every((n) => n.status !== "DELIVERED")).toBe(true);
    expect((await storedRefund(kassa, made.id)).status).toBe("SUCCESS");
    expect(await refundEntries(kassa, made.id)).toBe(1);
  });

  it("makes one refund when the channel applies it and then answers 500", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    kassa.sandbox.admin.addFault({ endpoint: "refund.create", fault: "apply_then_fail", times: 5 });
    const made = (await refund(order.id, { amountFen: order.amountFen })).body as RefundView;
    expect(made.status).toBe("PROCESSING");
    expect(refundsAtChannel(kassa, order.id)).toHaveLength(1);
    await aMinuteLater(kassa);
    await untilRefundIs(kassa, made.id, "SUCCESS");
    expect(refundsAtChannel(kassa, order.id)).toMatchObject([
      { outRefundNo: made.outRefundNo, status: "SUCCESS" },
    ]);
    expect(await refundEntries(kassa, made.id)).toBe(1);
  });

  it("applies a SUCCESS notification that comes before the create call's answer, and the late answer changes nothing", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    await kassa.sandbox.admin.setMerchantSettings(DEMO_MERCHANT.mchid, { refundSettleDelayMs: 0 });
    kassa.sandbox.admin.addFault({ endpoint: "refund.create", fault: "delay", delayMs: 1_500, times: 1 });
    try {
      const made = (await refund(order.id, { amountFen: order.amountFen })).body as RefundView;
      // The notification was applied while the answer was held: the refund is already SUCCESS.
      expect(made.status).toBe("SUCCESS");
      // The simulator records the delivery once Kassa's 204 reaches it, which may be a moment later.
      await until(() => refundNotifications(made.outRefundNo)[0]?.status === "DELIVERED");
      expect(await refundEntries(kassa, made.id)).toBe(1);
    } finally {
      await kassa.sandbox.admin.setMerchantSettings(DEMO_MERCHANT.mchid, { refundSettleDelayMs: 60_000 });
    }
  });

  it("takes a refund while another of the order is PROCESSING, within what is left", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    const first = (await refund(order.id, { amountFen: 200 })).body as RefundView;
    const second = (await refund(order.id, { amountFen: 300 })).body as RefundView;
    expect([first.status, second.status]).toEqual(["PROCESSING", "PROCESSING"]);
    expect((await refund(order.id, { amountFen: order.amountFen - 499 })).body).toMatchObject({
      code: "REFUND_AMOUNT_TOO_LARGE",
      details: { refundableFen: order.amountFen - 500 },
    });
    for (let minute = 0; minute < 5; minute += 1) await aMinuteLater(kassa);
    await untilRefundIs(kassa, first.id, "SUCCESS");
    await untilRefundIs(kassa, second.id, "SUCCESS");
    expect(refundsAtChannel(kassa, order.id)).toHaveLength(2);
  });

  it("refunds a payment that was paid after its order closed, without giving its stock back twice", async () => {
    const created = await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
    });
    const order = created.body as { id: string; amountFen: number };
    expect((await kassa.request("POST", `/v1/orders/${order.id}/cancel`, { token })).body).toMatchObject({
      status: "CLOSED",
    });
    // WeChat Pay took the money anyway (a payment under this out_trade_no), and says so.
    await kassa.sandbox.admin.addUntrackedPayment(DEMO_MERCHANT.mchid, {
      amountFen: order.amountFen,
      outTradeNo: order.id,
    });
    const late = await paymentNotification(kassa, { outTradeNo: order.id, amountFen: order.amountFen });
    expect(await deliver(kassa, late)).toBe(204);
    const stock = async () =>
      (
        await kassa.running.kassa.deps.db
          .selectFrom("products")
          .select("stock")
          .where("id", "=", "prd_jasmine_tea")
          .executeTakeFirstOrThrow()
      ).stock;
    const before = await stock();
    const made = (await refund(order.id, { amountFen: order.amountFen, returnStock: true }))
      .body as RefundView;
    expect(made.status).toBe("PROCESSING");
    await aMinuteLater(kassa);
    await untilRefundIs(kassa, made.id, "SUCCESS");
    expect(await stock()).toBe(before);
    expect(await eventsOfOrder(kassa, order.id)).toEqual([
      "order.closed",
      "order.paid",
      "refund.succeeded",
      "order.refunded",
    ]);
  });
});
