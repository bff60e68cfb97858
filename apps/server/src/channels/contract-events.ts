import { describe, expect, it } from "vitest";
import { ChannelNotificationRejected } from "./channel-error.ts";
import { AMOUNT, beijingDay, type ContractKit } from "./contract-kit.ts";

/** Notifications and statements: what the channel tells us without being asked, and by the day. */
export function eventContract(kit: () => ContractKit): void {
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

    it("refund outcomes parse into refund_succeeded, refund_closed and refund_abnormal", async () => {
      const { channel, subject, paidPayment, refundOf, notified } = kit();
      for (const outcome of ["succeeded", "closed", "abnormal"] as const) {
        const refund = refundOf(await paidPayment());
        await channel.refund(refund);
        await subject.settleRefund(refund.outRefundNo, outcome);
        const { event } = await notified((e) => "refund" in e && e.refund.outRefundNo === refund.outRefundNo);
        expect(event).toMatchObject({
          kind: `refund_${outcome}`,
          refund: { outTradeNo: refund.outTradeNo, amountFen: refund.amountFen, status: outcome },
        });
      }
    });

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
    it("a day's statement is not ready until the channel publishes it, then lists the day's paid payments and refunds", async () => {
      const { channel, subject, paidPayment, newPrepay, refundOf } = kit();
      const paid = await paidPayment();
      const refund = refundOf(paid, 100);
      await channel.refund(refund);
      const unpaid = newPrepay();
      await channel.prepay(unpaid);
      const day = beijingDay(subject.now());
      expect(await channel.statement(day)).toEqual({ status: "not_ready" });
      await subject.publishStatements();
      const statement = await channel.statement(day);
      if (statement.status !== "ready") throw new Error("the published statement is not ready");
      const queried = await channel.query(paid.outTradeNo);
      const transactionId = queried.state === "paid" ? queried.payment.transactionId : "?";
      expect(statement.rows).toContainEqual(
        expect.objectContaining({
          kind: "payment",
          outTradeNo: paid.outTradeNo,
          amountFen: AMOUNT,
          transactionId,
        }),
      );
      expect(statement.rows).toContainEqual(
        expect.objectContaining({ kind: "refund", outRefundNo: refund.outRefundNo, amountFen: 100 }),
      );
      expect(statement.rows.filter((row) => row.outTradeNo === unpaid.outTradeNo)).toEqual([]);
    });
  });
}
