import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { recordRefundIntent } from "../../src/app/request-refund.ts";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { refundTotalsOf } from "../../src/db/refunds-repo.ts";
import { inTransaction } from "../../src/db/transaction.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { payOrderAtSimulator } from "../pay-order.ts";
import {
  refundEntries,
  refundsAtChannel,
  refundThroughUseCase,
  storedRefund,
  untilRefundIs,
} from "../refunds.ts";

/**
 * The refund use case (issue 9 §2) against the simulator over real HTTP: intent, channel
 * call with no transaction open, outcome; lost answers and calls that never arrived are
 * resolved by the query-back job under the same out_refund_no. checkLedger after each.
 */
let kassa: KassaUnderTest;
let token: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  token = await kassa.login();
});
afterAll(async () => {
  await kassa?.close();
});
beforeEach(() => {
  kassa.sandbox.admin.clearFaults();
});
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

/** Settle what is due at the simulator (60 s of virtual time) and run Kassa's due jobs. */
async function aMinuteLater(): Promise<void> {
  await kassa.sandbox.admin.advanceClock(61_000);
  await kassa.runJobs();
}

describe("refunding an order through the channel", () => {
  it("records the refund, has the channel make it under its out_refund_no, and books it once on SUCCESS", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    const refund = await refundThroughUseCase(kassa, { orderId: order.id, amountFen: order.amountFen });
    expect(refund).toMatchObject({ status: "PROCESSING", amountFen: order.amountFen, lastError: null });
    expect(refund.id).toMatch(/^rfd_/);
    expect(refund.channelRefundId).toMatch(/^503/);
    expect(refundsAtChannel(kassa, order.id)).toMatchObject([
      { outRefundNo: refund.outRefundNo, status: "PROCESSING" },
    ]);
    await kassa.sandbox.admin.advanceClock(61_000); // the channel settles, and notifies
    const done = await untilRefundIs(kassa, refund.id, "SUCCESS");
    expect(done.succeededAt).toBeTypeOf("number");
    expect(await refundEntries(kassa, refund.id)).toBe(1);
    const order2 = await kassa.request("GET", `/v1/orders/${order.id}`, { token });
    expect(order2.body).toMatchObject({ status: "PAID", refundedFen: order.amountFen });
  });

  it("refuses more than what is left with REFUND_AMOUNT_TOO_LARGE, counting refunds still processing", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    const first = await refundThroughUseCase(kassa, { orderId: order.id, amountFen: order.amountFen - 1 });
    await expect(refundThroughUseCase(kassa, { orderId: order.id, amountFen: 2 })).rejects.toMatchObject({
      code: "REFUND_AMOUNT_TOO_LARGE",
      details: { refundableFen: 1 },
    });
    expect(refundsAtChannel(kassa, order.id)).toHaveLength(1);
    await aMinuteLater();
    await untilRefundIs(kassa, first.id, "SUCCESS");
  });

  it("refuses a refund of an order that is not paid, and of an order of another app", async () => {
    const created = await kassa.request("POST", "/v1/orders", {
      token,
      body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
    });
    const unpaid = created.body as { id: string };
    await expect(refundThroughUseCase(kassa, { orderId: unpaid.id, amountFen: 1 })).rejects.toMatchObject({
      code: "ORDER_NOT_REFUNDABLE",
    });
    await expect(
      refundThroughUseCase(kassa, { orderId: unpaid.id, amountFen: 1, appId: "app_other" }),
    ).rejects.toMatchObject({ code: "ORDER_NOT_FOUND" });
  });

  it("leaves a refund whose answer was lost PROCESSING; the query-back finds the one refund the channel made", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    kassa.sandbox.admin.addFault({ endpoint: "refund.create", fault: "apply_then_reset", times: 5 });
    const refund = await refundThroughUseCase(kassa, { orderId: order.id, amountFen: order.amountFen });
    expect(refund.status).toBe("PROCESSING");
    expect(refund.lastError).toMatch(/outcome_unknown/);
    expect(refundsAtChannel(kassa, order.id)).toHaveLength(1);
    kassa.sandbox.admin.addFault({ endpoint: "notify.refund", fault: "notify_drop" });
    await aMinuteLater();
    expect((await storedRefund(kassa, refund.id)).status).toBe("SUCCESS");
    expect(refundsAtChannel(kassa, order.id)).toMatchObject([
      { outRefundNo: refund.outRefundNo, status: "SUCCESS" },
    ]);
    expect(await refundEntries(kassa, refund.id)).toBe(1);
  });

  it("asks again under the same out_refund_no when the channel never got the call, and never under a new one", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    kassa.sandbox.admin.addFault({ endpoint: "refund.create", fault: "reset", times: 5 });
    const refund = await refundThroughUseCase(kassa, { orderId: order.id, amountFen: 1 });
    expect(refund.status).toBe("PROCESSING");
    expect(refundsAtChannel(kassa, order.id)).toEqual([]);
    await aMinuteLater(); // query: not found; made now, under its number
    expect(refundsAtChannel(kassa, order.id)).toMatchObject([
      { outRefundNo: refund.outRefundNo, status: "PROCESSING" },
    ]);
    await kassa.sandbox.admin.advanceClock(61_000);
    await untilRefundIs(kassa, refund.id, "SUCCESS");
    expect(refundsAtChannel(kassa, order.id)).toHaveLength(1);
  });

  it("reaches the channel by the query-back when Kassa stopped between recording the intent and calling", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    const deps = kassa.running.kassa.deps;
    // The intent commits; the process dies before the channel call (nothing reaches the simulator).
    const intent = await inTransaction(deps.db, (trx) =>
      recordRefundIntent(deps, trx, {
        appId: "app_default",
        orderId: order.id,
        amountFen: order.amountFen,
        reason: undefined,
        returnStock: false,
      }),
    );
    expect(refundsAtChannel(kassa, order.id)).toEqual([]);
    await aMinuteLater();
    expect(refundsAtChannel(kassa, order.id)).toMatchObject([{ outRefundNo: intent.outRefundNo }]);
    await kassa.sandbox.admin.advanceClock(61_000);
    await untilRefundIs(kassa, intent.id, "SUCCESS");
    expect(await refundEntries(kassa, intent.id)).toBe(1);
  });

  it("closes a refund the channel refuses, and its amount can be refunded again", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    await kassa.sandbox.admin.setMerchantSettings(DEMO_MERCHANT.mchid, { balanceFen: 0 });
    try {
      const refused = await refundThroughUseCase(kassa, { orderId: order.id, amountFen: order.amountFen });
      expect(refused).toMatchObject({ status: "CLOSED", lastError: "rejected NOT_ENOUGH" });
      const payment = (await storedRefund(kassa, refused.id)).paymentId;
      expect(await refundTotalsOf(kassa.running.kassa.deps.db, payment)).toMatchObject({
        reservedFen: 0,
        refundedFen: 0,
      });
    } finally {
      await kassa.sandbox.admin.setMerchantSettings(DEMO_MERCHANT.mchid, { balanceFen: 100_000_000 });
    }
    const again = await refundThroughUseCase(kassa, { orderId: order.id, amountFen: order.amountFen });
    expect(again.status).toBe("PROCESSING");
    await aMinuteLater();
    await untilRefundIs(kassa, again.id, "SUCCESS");
  });
});
