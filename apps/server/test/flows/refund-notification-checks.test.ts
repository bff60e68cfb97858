import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RefundView } from "../../src/app/refund-view.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";
import { deliver, refundNotification } from "../notifications.ts";
import { payOrderAtSimulator } from "../pay-order.ts";
import { refundEntries, storedRefund } from "../refunds.ts";

/**
 * A refund notification is applied only when it is genuine and is this refund's word
 * (quality-bar.md: an amount that differs is refused and alerted): forged ones and ones that
 * disagree with Kassa's refund change nothing, and WeChat Pay is told to send again (§4.5).
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
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

async function processingRefund(): Promise<{ order: { id: string; amountFen: number }; made: RefundView }> {
  const order = await payOrderAtSimulator(kassa, token);
  const answer = await kassa.request("POST", `/merchant/v1/orders/${order.id}/refunds`, {
    headers: { authorization: `Bearer ${key}` },
    body: { amountFen: 100 },
  });
  return { order, made: answer.body as RefundView };
}

const alertsOf = async (orderId: string) =>
  (
    await kassa.running.kassa.deps.db
      .selectFrom("alerts")
      .select("kind")
      .where("subject_id", "=", orderId)
      .execute()
  ).map((alert) => alert.kind);

describe("refund notifications that must not be applied", () => {
  it("refuses a genuine notification whose amount differs from the refund's, raises an alert, and changes nothing", async () => {
    const { order, made } = await processingRefund();
    const wrong = await refundNotification(kassa, {
      outTradeNo: order.id,
      outRefundNo: made.outRefundNo,
      refundFen: 1_000,
      totalFen: order.amountFen,
    });
    expect(await deliver(kassa, wrong)).toBe(401);
    expect((await storedRefund(kassa, made.id)).status).toBe("PROCESSING");
    expect(await refundEntries(kassa, made.id)).toBe(0);
    expect(await alertsOf(order.id)).toEqual(["refund_mismatch"]);
  });

  it("refuses a notification naming another payment's out_trade_no for the refund", async () => {
    const { order, made } = await processingRefund();
    const other = await payOrderAtSimulator(kassa, token);
    const wrong = await refundNotification(kassa, {
      outTradeNo: other.id,
      outRefundNo: made.outRefundNo,
      refundFen: 100,
      totalFen: order.amountFen,
    });
    expect(await deliver(kassa, wrong)).toBe(401);
    expect((await storedRefund(kassa, made.id)).status).toBe("PROCESSING");
    expect(await alertsOf(order.id)).toEqual(["refund_mismatch"]);
  });

  it("refuses a genuine notification that names another merchant's mchid (§4.3-§4.4)", async () => {
    const { order, made } = await processingRefund();
    const wrong = await refundNotification(kassa, {
      outTradeNo: order.id,
      outRefundNo: made.outRefundNo,
      refundFen: 100,
      totalFen: order.amountFen,
      mchid: "1900000999",
    });
    expect(await deliver(kassa, wrong)).toBe(401);
    expect((await storedRefund(kassa, made.id)).status).toBe("PROCESSING");
    expect(await alertsOf(order.id)).toEqual(["refund_mismatch"]);
  });

  it("refuses a forged notification without an alert or a change, and applies the genuine one once", async () => {
    const { order, made } = await processingRefund();
    const facts = {
      outTradeNo: order.id,
      outRefundNo: made.outRefundNo,
      refundFen: 100,
      totalFen: order.amountFen,
    };
    expect(await deliver(kassa, await refundNotification(kassa, { ...facts, forged: true }))).toBe(401);
    expect((await storedRefund(kassa, made.id)).status).toBe("PROCESSING");
    expect(await alertsOf(order.id)).toEqual([]);
    const genuine = await refundNotification(kassa, { ...facts, id: `genuine-${made.id}` });
    expect(await Promise.all([deliver(kassa, genuine), deliver(kassa, genuine)])).toEqual([204, 204]);
    expect((await storedRefund(kassa, made.id)).status).toBe("SUCCESS");
    expect(await refundEntries(kassa, made.id)).toBe(1);
    // The simulator's own refund is still processing: it settles later and notifies; that changes nothing.
    await kassa.sandbox.admin.advanceClock(61_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await refundEntries(kassa, made.id)).toBe(1);
  });
});
