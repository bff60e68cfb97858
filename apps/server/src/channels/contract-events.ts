import { describe, expect, it } from "vitest";
import { ChannelNotificationRejected } from "./channel-error.ts";
import { AMOUNT, beijingDay, type ChannelTraits, type ContractKit } from "./contract-kit.ts";
import { allEntries } from "./statement.ts";

/** Notifications and statements: what the channel tells us without being asked, and by the day. */
export function eventContract(kit: () => ContractKit, traits: ChannelTraits): void {
  describe("notifications", () => {
    it("a payment parses into payment_succeeded carrying the payment as a query reports it", async () => {
      const { channel, paidPayment, notified } = kit();
      const input = await paidPayment();
      const { event } = await notified(
        (e) => e.kind === "payment_succeeded" && e.payment.outTradeNo === input.outTradeNo,
      );
      const queried = await channel.query(input.outTradeNo);
      if (event.kind !== "payment_succeeded" || queried.state !== "paid") throw new Error("not paid");
      expect(event.notificationId).not.toBe("");
      expect(event.payment).toEqual(queried.payment);
    });

    // A channel that answers a refund at once (Alipay, A.5) has no outcome left to notify.
    it.skipIf(traits.refunds === "answered_at_once")(
      "refund outcomes parse into refund_succeeded, refund_closed and refund_abnormal",
      async () => {
        const { channel, subject, paidPayment, refundOf, notified } = kit();
        for (const outcome of ["succeeded", "closed", "abnormal"] as const) {
          const refund = refundOf(await paidPayment());
          await channel.refund(refund);
          await subject.settleRefund(refund.outRefundNo, outcome);
          const { event } = await notified(
            (e) => "refund" in e && e.refund.outRefundNo === refund.outRefundNo,
          );
          expect(event).toMatchObject({
            kind: `refund_${outcome}`,
            refund: { outTradeNo: refund.outTradeNo, amountFen: refund.amountFen, status: outcome },
          });
        }
      },
    );

    it("a notification changed on the way is refused with ChannelNotificationRejected", async () => {
      const { channel, paidPayment, notified } = kit();
      const input = await paidPayment();
      const { raw } = await notified(
        (e) => e.kind === "payment_succeeded" && e.payment.outTradeNo === input.outTradeNo,
      );
      const tampered = Buffer.from(raw.body);
      const middle = Math.floor(tampered.length / 2);
      tampered[middle] = (tampered[middle] ?? 0) ^ 1;
      const refusal = await channel.parseNotification(raw.headers, tampered).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ChannelNotificationRejected);
      expect((refusal as ChannelNotificationRejected).probe).toBe(false);
    });
  });

  describe("statements", () => {
    it("a day's statement is not ready until the channel publishes it, then streams the day's payments, refunds, fees and totals", async () => {
      const { channel, subject, paidPayment, newPrepay, refundOf } = kit();
      const paid = await paidPayment();
      const refund = refundOf(paid, 100);
      await channel.refund(refund);
      const unpaid = newPrepay();
      await channel.prepay(unpaid);
      const day = beijingDay(subject.now());
      expect(await channel.statement(day)).toEqual({ status: "not_ready" });
      await subject.publishStatements();
      const entries = await allEntries(await channel.statement(day));
      const queried = await channel.query(paid.outTradeNo);
      const transactionId = queried.state === "paid" ? queried.payment.transactionId : "?";
      expect(entries).toContainEqual(
        expect.objectContaining({
          kind: "payment",
          appId: subject.appId,
          outTradeNo: paid.outTradeNo,
          amountFen: AMOUNT,
          transactionId,
          status: "paid",
        }),
      );
      // 0.60% of the amount, to the channel's precision: WeChat writes fees to 1/1000 fen
      // (5 decimals of yuan, §5.7), Alipay to the fen (服务费, A.5).
      const payment = entries.find(
        (entry) => entry.kind === "payment" && entry.outTradeNo === paid.outTradeNo,
      );
      const feeMilliFen = payment?.kind === "payment" ? payment.feeMilliFen : Number.NaN;
      expect(Math.abs(feeMilliFen - AMOUNT * 6)).toBeLessThanOrEqual(500);
      expect(entries).toContainEqual(
        expect.objectContaining({
          kind: "refund",
          appId: subject.appId,
          outRefundNo: refund.outRefundNo,
          amountFen: 100,
          // As the refund's answer said: unsettled at WeChat, done at Alipay (ChannelTraits).
          status: traits.refunds === "settled_later" ? "processing" : "succeeded",
        }),
      );
      // 0.60% of 3.00 yuan is 0.018 yuan, booked as 2 fen (half up).
      expect(entries).toContainEqual(
        expect.objectContaining({ kind: "fee", reference: paid.outTradeNo, amountFen: 2 }),
      );
      expect(
        entries.filter((entry) => "outTradeNo" in entry && entry.outTradeNo === unpaid.outTradeNo),
      ).toEqual([]);
      const rows = entries.filter((entry) => entry.kind === "payment" || entry.kind === "refund");
      const totals = entries.filter((entry) => entry.kind === "totals");
      expect(totals).toEqual([
        {
          kind: "totals",
          rows: rows.length,
          paymentsFen: rows.reduce((sum, entry) => sum + (entry.kind === "payment" ? entry.amountFen : 0), 0),
          refundsFen: rows.reduce((sum, entry) => sum + (entry.kind === "refund" ? entry.amountFen : 0), 0),
          feeMilliFen: rows.reduce((sum, entry) => sum + ("feeMilliFen" in entry ? entry.feeMilliFen : 0), 0),
        },
      ]);
    });

    it("a statement dropped unread can be asked for again and reads the same", async () => {
      const { channel, subject, paidPayment } = kit();
      await paidPayment();
      const day = beijingDay(subject.now());
      await subject.publishStatements();
      const first = await channel.statement(day);
      if (first.status !== "ready") throw new Error("the published statement is not ready");
      const head = await first.entries.next();
      await first.entries.return();
      const again = await allEntries(await channel.statement(day));
      expect(again[0]).toEqual(head.value);
    });
  });
}
