import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEMO_MERCHANT } from "../../src/channels/demo-sandbox.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { refundsAtChannel, refundThroughUseCase, untilRefundIs } from "../refunds.ts";
import { addTier, type OrderBody, topUpAtSimulator, walletOfOrder } from "../wallet.ts";

/**
 * Refunding a top-up (issue 9 §3; docs/wallet.md): at most the unspent part goes back
 * through WeChat Pay, the bonus forfeited first; the amount leaves the wallet when the
 * refund is recorded (so it cannot be spent meanwhile), leaves the books through clearing
 * and promotions on SUCCESS, and comes back if the refund closes. Through the simulator over
 * real HTTP, checkLedger after each. SQLite and PostgreSQL.
 */
let kassa: KassaUnderTest;
let token: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start({ KASSA_RATE_LIMIT_PER_USER: "1000" });
  await addTier(kassa, "wtr_refund", 10_000, 1_000);
});
afterAll(async () => {
  await kassa?.close();
});
afterEach(() => expectLedgerHolds(kassa.running.kassa.deps.db));

async function freshTopUp(): Promise<OrderBody> {
  token = await kassa.login();
  const topUp = await topUpAtSimulator(kassa, token, { tierId: "wtr_refund" });
  expect(await walletOfOrder(kassa, topUp.id)).toBe(11_000);
  return topUp;
}

async function postingsOfRefund(refundId: string) {
  const rows = await kassa.running.kassa.deps.db
    .selectFrom("ledger_postings as p")
    .innerJoin("ledger_entries as e", (join) =>
      join.onRef("e.app_id", "=", "p.app_id").onRef("e.seq", "=", "p.entry_seq"),
    )
    .select(["e.cause_type", "p.account_code", "p.amount_fen"])
    .where("e.cause_id", "=", refundId)
    .orderBy("e.seq")
    .orderBy("p.line")
    .execute();
  return rows.map((row) => [row.cause_type, row.account_code.replace(/usr_\w+/, "u"), row.amount_fen]);
}

describe("refunding a top-up", () => {
  it("of an unspent wallet returns the whole amount through WeChat Pay and forfeits the bonus", async () => {
    const topUp = await freshTopUp();
    const refund = await refundThroughUseCase(kassa, { orderId: topUp.id, amountFen: 10_000 });
    expect(refund).toMatchObject({ status: "PROCESSING" });
    // Held at once: the payer cannot spend what is on its way back.
    expect(await walletOfOrder(kassa, topUp.id)).toBe(0);
    await kassa.sandbox.admin.advanceClock(61_000);
    await untilRefundIs(kassa, refund.id, "SUCCESS");
    expect(refundsAtChannel(kassa, topUp.id)).toMatchObject([{ amountRefund: 10_000 }]);
    expect(await postingsOfRefund(refund.id)).toEqual([
      ["top_up_refund_requested", "wallet:u", 11_000],
      ["top_up_refund_requested", "refunds:pending", -11_000],
      ["refund_succeeded", "refunds:pending", 11_000],
      ["refund_succeeded", "wechatpay:clearing", -10_000],
      ["refund_succeeded", "promotions", -1_000],
    ]);
    expect(await walletOfOrder(kassa, topUp.id)).toBe(0);
  });

  it("after a spend returns at most what is left less the bonus, and says how much that is", async () => {
    const topUp = await freshTopUp();
    const order = (
      await kassa.request("POST", "/v1/orders", {
        token,
        body: { items: [{ productId: "prd_mooncake", quantity: 1 }] },
      })
    ).body as OrderBody;
    expect((await kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token })).status).toBe(
      200,
    );
    // 11,000 - 2,550 spent = 8,450 left; less the 1,000 bonus: 7,450 may go back.
    await expect(refundThroughUseCase(kassa, { orderId: topUp.id, amountFen: 7_451 })).rejects.toMatchObject({
      code: "REFUND_AMOUNT_TOO_LARGE",
      details: { refundableFen: 7_450, forfeitedBonusFen: 1_000 },
    });
    expect(await walletOfOrder(kassa, topUp.id)).toBe(8_450);
    const refund = await refundThroughUseCase(kassa, { orderId: topUp.id, amountFen: 7_450 });
    await kassa.sandbox.admin.advanceClock(61_000);
    await untilRefundIs(kassa, refund.id, "SUCCESS");
    expect(await walletOfOrder(kassa, topUp.id)).toBe(0);
  });

  it("in parts forfeits the bonus once, with the first part", async () => {
    const topUp = await freshTopUp();
    const first = await refundThroughUseCase(kassa, { orderId: topUp.id, amountFen: 3_000 });
    expect(await walletOfOrder(kassa, topUp.id)).toBe(7_000);
    await expect(refundThroughUseCase(kassa, { orderId: topUp.id, amountFen: 7_001 })).rejects.toMatchObject({
      code: "REFUND_AMOUNT_TOO_LARGE",
      details: { refundableFen: 7_000 },
    });
    const second = await refundThroughUseCase(kassa, { orderId: topUp.id, amountFen: 7_000 });
    expect(await walletOfOrder(kassa, topUp.id)).toBe(0);
    // The simulator may not take a second refund of one payment at once (its answer is then
    // unknown): the query-back job sends it again under the same out_refund_no.
    await kassa.sandbox.admin.advanceClock(61_000);
    await kassa.runJobs();
    await kassa.sandbox.admin.advanceClock(61_000);
    for (const refund of [first, second]) await untilRefundIs(kassa, refund.id, "SUCCESS");
  });

  it("that closes at the channel gives the amount and the bonus back to the wallet", async () => {
    const topUp = await freshTopUp();
    const refund = await refundThroughUseCase(kassa, { orderId: topUp.id, amountFen: 5_000 });
    expect(await walletOfOrder(kassa, topUp.id)).toBe(5_000);
    await kassa.sandbox.admin.setRefundOutcome(DEMO_MERCHANT.mchid, refund.outRefundNo, {
      outcome: "CLOSED",
      settleDelayMs: 0,
    });
    await untilRefundIs(kassa, refund.id, "CLOSED");
    expect(await walletOfOrder(kassa, topUp.id)).toBe(11_000);
    expect((await postingsOfRefund(refund.id)).map(([cause]) => cause)).toEqual([
      "top_up_refund_requested",
      "top_up_refund_requested",
      "top_up_refund_released",
      "top_up_refund_released",
    ]);
  });
});
