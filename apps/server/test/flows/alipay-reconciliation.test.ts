import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DEMO_ALIPAY_APP } from "../../src/channels/demo-sandbox.ts";
import type { ExternalChannelName } from "../../src/domain/payment.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { payAtAlipayCashier, payAtSimulator } from "../pay-order.ts";
import { reconcileDay, startNextDay, todayOf } from "../reconciliation-days.ts";
import { refundThroughUseCase } from "../refunds.ts";

/**
 * Issue 14: an Alipay day reconciled against Alipay's trade bill (A.5: a zip of GBK CSVs,
 * read by the adapter), through the simulator over real HTTP, as WeChat Pay's days are
 * (reconciliation.test.ts): a clean day, a lost notification repaired, and the two channels'
 * days kept apart. Bills of the day so far are published at once.
 */
let kassa: KassaUnderTest;
let token: string;
const deps = () => kassa.running.kassa.deps;
const admin = () => kassa.sandbox.admin;
const { appId } = DEMO_ALIPAY_APP;

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
  token = await kassa.loginAlipay(); // a day is longer than a session
}, 60_000);

async function newOrder(): Promise<{ id: string; amountFen: number }> {
  const created = await kassa.request("POST", "/v1/orders", {
    token,
    body: { items: [{ productId: "prd_jasmine_tea", quantity: 1 }] },
  });
  return created.body as { id: string; amountFen: number };
}

const reconcile = (channel: ExternalChannelName = "alipay") => reconcileDay(kassa, channel);
const today = () => todayOf(kassa);

const statusOf = async (id: string) =>
  ((await kassa.request("GET", `/v1/orders/${id}`, { token })).body as { status: string }).status;

describe("reconciling an Alipay day with Alipay's trade bill", () => {
  it("a clean day with a refund reports nothing but its counts and sums, and posts the day's service fees once", async () => {
    const first = await newOrder();
    await payAtAlipayCashier(kassa, token, first.id);
    const second = await newOrder();
    await payAtAlipayCashier(kassa, token, second.id);
    expect(await refundThroughUseCase(kassa, { orderId: first.id, amountFen: 500 })).toMatchObject({
      status: "SUCCESS",
    });
    const { run, differences } = await reconcile();
    expect(differences).toEqual([]);
    expect(run).toMatchObject({
      status: "completed",
      bill_payments: 2,
      bill_payments_fen: first.amountFen + second.amountFen,
      kassa_payments: 2,
      kassa_payments_fen: first.amountFen + second.amountFen,
      bill_refunds: 1,
      bill_refunds_fen: 500,
      kassa_refunds: 1,
      kassa_refunds_fen: 500,
      bill_unreadable: 0,
      differences_open: 0,
    });
    // 0.60% of 12.00 yuan is 7.2 fen, booked as 7 on each payment; the refund gives some back.
    expect(run.bill_fees_fen).toBeGreaterThan(0);
    expect(run.fees_posted_fen).toBe(run.bill_fees_fen);
    expect((await reconcile()).run).toMatchObject({
      fees_posted_fen: run.bill_fees_fen,
      differences_open: 0,
    });
    const feeEntries = await deps()
      .db.selectFrom("ledger_entries")
      .select("seq")
      .where("cause_type", "=", "channel_fees")
      .where("cause_id", "=", `alipay:${today()}`)
      .execute();
    expect(feeEntries).toHaveLength(1);
  });

  it("a lost notification is repaired: missing_in_kassa, resolved by trade.query, the order PAID once", async () => {
    const lost = await newOrder();
    const { tradeNO } = (await kassa.request("POST", `/v1/orders/${lost.id}/pay`, { token })).body as {
      tradeNO: string;
    };
    admin().addFault({ endpoint: "notify.alipay.trade", fault: "notify_drop", times: 10, mchid: appId });
    await admin().payAlipayTrade(appId, lost.id);
    expect(await statusOf(lost.id)).toBe("PENDING");
    const { differences } = await reconcile();
    expect(differences).toEqual([
      expect.objectContaining({ class: "missing_in_kassa", out_trade_no: lost.id, status: "resolved" }),
    ]);
    const order = (await kassa.request("GET", `/v1/orders/${lost.id}`, { token })).body;
    expect(order).toMatchObject({ status: "PAID", channel: "alipay", transactionId: tradeNO });
    expect((await reconcile()).differences).toEqual(differences);
  });

  it("finds what the bill shows wrong: another amount, a refund left out, a row of an unknown kind; Kassa changes nothing", async () => {
    const changed = await newOrder();
    await payAtAlipayCashier(kassa, token, changed.id);
    const refundedOrder = await newOrder();
    await payAtAlipayCashier(kassa, token, refundedOrder.id);
    const refund = await refundThroughUseCase(kassa, { orderId: refundedOrder.id, amountFen: 300 });
    const odd = await newOrder();
    await payAtAlipayCashier(kassa, token, odd.id);
    // The simulator's bill faults, as for WeChat Pay: mchid names the Alipay app here.
    admin().addFault({ fault: "bill_amount_changed", mchid: appId, outTradeNo: changed.id, deltaFen: 100 });
    admin().addFault({ fault: "bill_row_dropped", mchid: appId, outRefundNo: refund.outRefundNo });
    admin().addFault({ fault: "bill_state_changed", mchid: appId, outTradeNo: odd.id, state: "FROZEN" });
    const { differences } = await reconcile();
    const byClass = (name: string) => differences.filter((found) => found.class === name);
    expect(byClass("amount_differs")).toEqual([
      expect.objectContaining({
        out_trade_no: changed.id,
        status: "open",
        bill_amount_fen: 1300,
        kassa_amount_fen: 1200,
      }),
    ]);
    expect(byClass("refund_differs")).toEqual([
      expect.objectContaining({ out_refund_no: refund.outRefundNo, status: "open", kassa_amount_fen: 300 }),
    ]);
    expect(byClass("unreadable_row")).toEqual(
      expect.arrayContaining([expect.objectContaining({ out_trade_no: odd.id, status: "open" })]),
    );
    expect(await statusOf(changed.id)).toBe("PAID");
  });

  it("keeps the channels' days apart: WeChat Pay's run of the day counts only WeChat Pay's payments", async () => {
    const alipayOrder = await newOrder();
    await payAtAlipayCashier(kassa, token, alipayOrder.id);
    const wechatPayer = await kassa.login();
    const wechatOrder = (
      await kassa.request("POST", "/v1/orders", {
        token: wechatPayer,
        body: { items: [{ productId: "prd_oolong_tea", quantity: 1 }] },
      })
    ).body as { id: string; amountFen: number };
    await payAtSimulator(kassa, wechatPayer, wechatOrder.id);
    const alipay = await reconcile("alipay");
    const wechat = await reconcile("wechatpay");
    expect(alipay.run).toMatchObject({
      kassa_payments: 1,
      bill_payments: 1,
      kassa_payments_fen: alipayOrder.amountFen,
    });
    expect(wechat.run).toMatchObject({
      kassa_payments: 1,
      bill_payments: 1,
      kassa_payments_fen: wechatOrder.amountFen,
    });
    expect([...alipay.differences, ...wechat.differences]).toEqual([]);
  });
});
