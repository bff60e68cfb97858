import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { payOrderAtSimulator } from "../pay-order.ts";
import { reconcileDay, startNextDay } from "../reconciliation-days.ts";
import { refundEntries, refundThroughUseCase, storedRefund } from "../refunds.ts";

/**
 * A day's refunds against the bill's (docs/reconciliation.md, `refund_differs`), through the
 * WeChat Pay simulator over real HTTP: a settled refund agrees, a refund Kassa still holds as
 * PROCESSING where the bill shows it settled is repaired by asking the channel, and a refund
 * of another amount, one the bill leaves out and one Kassa never made stay open with an
 * alert. Bills of the day so far are published at once.
 */
let kassa: KassaUnderTest;
let token: string;
const deps = () => kassa.running.kassa.deps;
const admin = () => kassa.sandbox.admin;
const { mchid } = DEMO_MERCHANT;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  await admin().setBillReadyDelay(-24 * 3600_000);
}, 60_000);
afterAll(async () => {
  await kassa?.close();
});
afterEach(() => expectLedgerHolds(deps().db));
beforeEach(async () => {
  admin().clearFaults();
  await startNextDay(kassa);
  token = await kassa.login();
}, 60_000);

const reconcile = () => reconcileDay(kassa, "wechatpay");

/** A paid order refunded by `amountFen`, the refund settled at the channel now. */
async function refunded(amountFen: number, options: { dropNotification?: boolean } = {}) {
  const order = await payOrderAtSimulator(kassa, token);
  const refund = await refundThroughUseCase(kassa, { orderId: order.id, amountFen });
  if (options.dropNotification)
    admin().addFault({ endpoint: "notify.refund", fault: "notify_drop", times: 10, mchid });
  await admin().setRefundOutcome(mchid, refund.outRefundNo, { outcome: "SUCCESS", settleDelayMs: 0 });
  await admin().advanceClock(1); // settles now; Kassa's own query-back is a minute away
  return { order, refund };
}

async function untilSucceeded(refundId: string): Promise<void> {
  for (let tries = 0; tries < 200; tries += 1) {
    if ((await storedRefund(kassa, refundId)).status === "SUCCESS") return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`refund ${refundId} never became SUCCESS`);
}

describe("reconciling the day's refunds", () => {
  it("a settled refund agrees: counted on both sides, no difference", async () => {
    const { refund } = await refunded(300);
    await untilSucceeded(refund.id);
    const { run, differences } = await reconcile();
    expect(differences).toEqual([]);
    expect(run).toMatchObject({
      bill_refunds: 1,
      bill_refunds_fen: 300,
      kassa_refunds: 1,
      kassa_refunds_fen: 300,
    });
  });

  it("a refund Kassa still holds as PROCESSING where the bill says SUCCESS is repaired by asking: resolved, booked once", async () => {
    const { refund } = await refunded(300, { dropNotification: true });
    expect((await storedRefund(kassa, refund.id)).status).toBe("PROCESSING");
    const { differences } = await reconcile();
    expect(differences).toEqual([
      expect.objectContaining({
        class: "refund_differs",
        out_refund_no: refund.outRefundNo,
        status: "resolved",
        action: expect.stringContaining("the refund is SUCCESS"),
      }),
    ]);
    expect((await storedRefund(kassa, refund.id)).status).toBe("SUCCESS");
    expect(await refundEntries(kassa, refund.id)).toBe(1);
    // Again: the same report, nothing booked twice.
    expect((await reconcile()).differences).toEqual(differences);
    expect(await refundEntries(kassa, refund.id)).toBe(1);
  });

  it("a refund the bill shows for another amount, or leaves out, is open with an alert; Kassa changes nothing", async () => {
    const changed = await refunded(300);
    const dropped = await refunded(200);
    await untilSucceeded(changed.refund.id);
    await untilSucceeded(dropped.refund.id);
    admin().addFault({
      fault: "bill_amount_changed",
      outRefundNo: changed.refund.outRefundNo,
      deltaFen: 100,
    });
    admin().addFault({ fault: "bill_row_dropped", outRefundNo: dropped.refund.outRefundNo });
    const { run, differences } = await reconcile();
    const byRefund = Object.fromEntries(differences.map((found) => [found.out_refund_no, found]));
    expect(byRefund[changed.refund.outRefundNo]).toMatchObject({
      class: "refund_differs",
      status: "open",
      bill_amount_fen: 400,
      kassa_amount_fen: 300,
      alert_id: expect.stringMatching(/^alr_/),
    });
    expect(byRefund[dropped.refund.outRefundNo]).toMatchObject({
      class: "refund_differs",
      status: "open",
      bill_amount_fen: null,
      kassa_amount_fen: 200,
    });
    expect(differences).toHaveLength(2);
    expect(run).toMatchObject({ kassa_refunds: 2, bill_refunds: 1, differences_open: 2 });
    expect((await storedRefund(kassa, changed.refund.id)).status).toBe("SUCCESS");
  });

  it("a refund Kassa never made (on the merchant platform) is open, named for the operator to record", async () => {
    const order = await payOrderAtSimulator(kassa, token);
    const outRefundNo = `mp${order.id.slice(4, 24)}`;
    await deps()
      .apps.paymentChannel(deps().apps.default.id, "wechatpay")
      .refund({
        outTradeNo: order.id,
        outRefundNo,
        amountFen: order.amountFen as never,
        paidFen: order.amountFen as never,
        notifyUrl: deps().apps.default.notifyUrl("wechatpay"),
      });
    const { differences } = await reconcile();
    expect(differences).toEqual([
      expect.objectContaining({
        class: "refund_differs",
        out_refund_no: outRefundNo,
        status: "open",
        kassa_amount_fen: null,
        action: expect.stringContaining("a refund Kassa did not make"),
      }),
    ]);
  });
});
