import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AMOUNT, type ChannelTraits, type ContractKit } from "./contract-kit.ts";

/** §5.4 (WeChat): refunds of one payment at least a minute apart; the contract leaves that room. */
const REFUND_SPACING_MS = 61_000;

/** Refund and refund query: the refund side of the contract. */
export function refundContract(kit: () => ContractKit, traits: ChannelTraits): void {
  const answered = traits.refunds === "settled_later" ? "processing" : "succeeded";
  describe("refunds", () => {
    it("a paid payment refunds in full: processing then succeeded, or succeeded at once; the same out_refund_no again is the same refund", async () => {
      const { channel, subject, paidPayment, refundOf } = kit();
      const refund = refundOf(await paidPayment());
      const accepted = await channel.refund(refund);
      expect(accepted).toMatchObject({
        outRefundNo: refund.outRefundNo,
        outTradeNo: refund.outTradeNo,
        amountFen: AMOUNT,
        status: answered,
      });
      expect(await channel.refund(refund)).toMatchObject({ refundId: accepted.refundId, amountFen: AMOUNT });
      expect(await channel.queryRefund(refund)).toMatchObject({
        state: "found",
        refund: { refundId: accepted.refundId, status: answered },
      });
      if (traits.refunds === "settled_later") await subject.settleRefund(refund.outRefundNo, "succeeded");
      const settled = await channel.queryRefund(refund);
      if (settled.state !== "found") throw new Error("the refund is gone");
      expect(settled.refund).toMatchObject({
        refundId: accepted.refundId,
        amountFen: AMOUNT,
        status: "succeeded",
      });
      expect(settled.refund.succeededAt).toBeTypeOf("number");
      // A refunded payment was still paid.
      expect(await channel.query(refund.outTradeNo)).toMatchObject({ state: "paid" });
    });

    it("partial refunds add up to the paid amount, and one fen more is refused", async () => {
      const { channel, subject, paidPayment, refundOf, failureOf } = kit();
      const paid = await paidPayment();
      expect(await channel.refund(refundOf(paid, 100))).toMatchObject({ amountFen: 100 });
      await subject.passTime(REFUND_SPACING_MS);
      expect(await channel.refund(refundOf(paid, 200))).toMatchObject({ amountFen: 200 });
      await subject.passTime(REFUND_SPACING_MS);
      expect((await failureOf(channel.refund(refundOf(paid, 1)))).kind).toBe("rejected");
    });

    it("a refund over the paid amount, or of an unpaid payment, is refused and leaves no refund", async () => {
      const { channel, paidPayment, newPrepay, refundOf, failureOf } = kit();
      const tooMuch = refundOf(await paidPayment(), AMOUNT + 1);
      expect((await failureOf(channel.refund(tooMuch))).kind).toBe("rejected");
      expect(await channel.queryRefund(tooMuch)).toEqual({ state: "not_found" });
      const unpaid = newPrepay();
      await channel.prepay(unpaid);
      const ofUnpaid = refundOf(unpaid);
      expect((await failureOf(channel.refund(ofUnpaid))).kind).toBe("rejected");
      expect(await channel.queryRefund(ofUnpaid)).toEqual({ state: "not_found" });
    });

    it("a refund whose answer was lost is outcome_unknown, and asking again with its out_refund_no is the one refund", async () => {
      const { channel, subject, paidPayment, refundOf, failureOf } = kit();
      const refund = refundOf(await paidPayment());
      await subject.failNext("refund", "answer_lost");
      expect((await failureOf(channel.refund(refund))).kind).toBe("outcome_unknown");
      const found = await channel.queryRefund(refund);
      if (found.state !== "found") throw new Error("the refund whose answer was lost was not made");
      expect((await channel.refund(refund)).refundId).toBe(found.refund.refundId);
    });

    it("refund query says not_found for an out_refund_no the channel never saw, of a paid payment or of none", async () => {
      const { channel, paidPayment } = kit();
      const never = `never${randomBytes(6).toString("hex")}`;
      const paid = await paidPayment();
      expect(await channel.queryRefund({ outTradeNo: paid.outTradeNo, outRefundNo: never })).toEqual({
        state: "not_found",
      });
      expect(await channel.queryRefund({ outTradeNo: never, outRefundNo: never })).toEqual({
        state: "not_found",
      });
    });
  });
}
