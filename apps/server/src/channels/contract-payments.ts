import { describe, expect, it } from "vitest";
import { toFen } from "../domain/money.ts";
import { ChannelError } from "./channel-error.ts";
import { AMOUNT, type ContractKit } from "./contract-kit.ts";

/** Prepay, payload, query and close: the payment side of the contract. */
export function paymentContract(kit: () => ContractKit): void {
  describe("payments", () => {
    it("prepay is idempotent on out_trade_no: the same parameters again give a fresh usable reference to the one payment", async () => {
      const { channel, subject, newPrepay, failureOf } = kit();
      const input = newPrepay();
      const first = await channel.prepay(input);
      const again = await channel.prepay(input);
      for (const prepared of [first, again]) {
        expect(prepared.reusableUntil).toBeGreaterThan(subject.now());
        // The payload is rebuilt from the stored reference alone, in the channel's own shape.
        const payload = await channel.payload(prepared.reference);
        expect(payload.channel).toBe(channel.name);
        if (payload.channel === "wechatpay")
          expect(payload.requestPayment.package).toBe(`prepay_id=${prepared.reference}`);
        else expect(payload.tradeNO).toBe(prepared.reference);
      }
      await subject.pay(input.outTradeNo);
      expect(await channel.query(input.outTradeNo)).toMatchObject({
        state: "paid",
        payment: { amountFen: AMOUNT },
      });
      // Paid once: asking for it again is refused, never a second payment.
      expect((await failureOf(channel.prepay(input))).kind).toBe("rejected");
    });

    it("prepay refuses an out_trade_no already used with other parameters", async () => {
      const { channel, newPrepay, failureOf } = kit();
      const input = newPrepay();
      await channel.prepay(input);
      const changed = { ...input, amountFen: toFen(input.amountFen + 1) };
      expect((await failureOf(channel.prepay(changed))).kind).toBe("rejected");
    });

    it("query says not_found before any prepay, unpaid after it, and paid with the payment's facts once the payer pays", async () => {
      const { channel, subject, payer, newPrepay } = kit();
      const input = newPrepay();
      expect(await channel.query(input.outTradeNo)).toEqual({ state: "not_found" });
      await channel.prepay(input);
      expect(await channel.query(input.outTradeNo)).toEqual({ state: "unpaid" });
      await subject.pay(input.outTradeNo);
      const state = await channel.query(input.outTradeNo);
      if (state.state !== "paid") throw new Error(`expected paid, got ${state.state}`);
      expect(state.payment).toMatchObject({
        outTradeNo: input.outTradeNo,
        amountFen: AMOUNT,
        payerId: payer,
        appId: subject.appId,
        merchantId: subject.merchantId,
      });
      expect(state.payment.transactionId).not.toBe("");
      expect(state.payment.paidAt).toBeLessThanOrEqual(subject.now());
    });

    it("close then query says closed; closing again succeeds, and a closed payment is not prepaid again", async () => {
      const { channel, newPrepay, failureOf } = kit();
      const input = newPrepay();
      await channel.prepay(input);
      await channel.close(input.outTradeNo);
      expect(await channel.query(input.outTradeNo)).toEqual({ state: "closed" });
      await channel.close(input.outTradeNo);
      expect((await failureOf(channel.prepay(input))).kind).toBe("rejected");
    });

    it("closing a paid payment leaves it paid", async () => {
      const { channel, paidPayment } = kit();
      const input = await paidPayment();
      const refusal = await channel.close(input.outTradeNo).catch((error: unknown) => error);
      if (refusal !== undefined) expect(refusal).toBeInstanceOf(ChannelError);
      expect(await channel.query(input.outTradeNo)).toMatchObject({ state: "paid" });
    });

    it("a query the channel cannot answer fails as unavailable, and the next one answers", async () => {
      const { channel, subject, newPrepay, failureOf } = kit();
      const input = newPrepay();
      await channel.prepay(input);
      await subject.failNext("query", "unreachable");
      expect((await failureOf(channel.query(input.outTradeNo))).kind).toBe("unavailable");
      expect(await channel.query(input.outTradeNo)).toEqual({ state: "unpaid" });
    });
  });
}
