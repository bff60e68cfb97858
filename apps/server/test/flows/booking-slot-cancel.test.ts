import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { recordFullRefund, refundBookingInFull } from "../../src/app/booking/booking-refunds.ts";
import { type BookedBody, booked, expectSeatsAddUp, MerchantBookings } from "../bookings.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";
import { payAtSimulator } from "../pay-order.ts";
import {
  aMinuteLater,
  eventsOfOrder,
  refundEntries,
  refundsAtChannel,
  refundThroughUseCase,
  untilRefundIs,
} from "../refunds.ts";
import { topUpAtSimulator } from "../wallet.ts";

/**
 * Issue 10: the merchant cancels a slot with 10 paid bookings (8 paid through WeChat Pay, 2
 * from the wallet). The instance doing the refunds dies halfway (5 refunded, a 6th recorded
 * but never sent to WeChat Pay); another instance resumes, the merchant retries the cancel,
 * and every booking is refunded in full exactly once, at WeChat Pay and in the books. A
 * booking paid after the cancel is refunded in full as its payment lands. SQLite and PostgreSQL.
 */
let kassa: KassaUnderTest;
let key: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start({
    KASSA_RATE_LIMIT_PER_USER: "1000",
    KASSA_RATE_LIMIT_LOGIN_PER_IP: "1000",
  });
  key = (await makeApiKey(kassa)).secret;
});
afterAll(async () => {
  await kassa?.close();
});
afterEach(async () => {
  await expectLedgerHolds(kassa.running.kassa.deps.db);
  await expectSeatsAddUp(kassa);
});

describe("cancelling a slot", () => {
  it("refunds each of 10 paid bookings in full exactly once, across a crash halfway", async () => {
    const merchant = new MerchantBookings(kassa, key);
    const slot = await merchant.slot(await merchant.service(), { capacity: 12, priceFen: 5_000 });
    const paid: BookedBody[] = [];
    for (let index = 0; index < 10; index += 1) {
      const token = await kassa.login();
      if (index < 8) {
        const order = await booked(kassa, token, slot.id);
        await payAtSimulator(kassa, token, order.id);
        paid.push(order);
      } else {
        await topUpAtSimulator(kassa, token, { amountFen: 5_000 });
        const order = await booked(kassa, token, slot.id);
        expect(
          (await kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token })).status,
        ).toBe(200);
        paid.push(order);
      }
    }
    const lateToken = await kassa.login();
    const unpaid = await booked(kassa, lateToken, slot.id);
    expect(await merchant.slotNow(slot.id)).toMatchObject({ seatsTaken: 11 });

    // The instance that takes the cancel and starts the refunds, then dies.
    const doomed = await KassaUnderTest.startSecondInstance(kassa);
    const cancel = await new MerchantBookings(doomed, key).post(
      `/merchant/v1/booking-slots/${slot.id}/cancel`,
    );
    expect(cancel.status, JSON.stringify(cancel.body)).toBe(200);
    expect(cancel.body).toMatchObject({ status: "CANCELLED", refundsScheduled: 10 });
    const deps = doomed.running.kassa.deps;
    for (const order of paid.slice(0, 5)) await refundBookingInFull(deps, order.id);
    // The 6th: its refund is recorded, and the process dies before WeChat Pay is asked.
    const stranded = await recordFullRefund(deps, (paid[5] as BookedBody).id);
    expect(stranded).toMatchObject({ status: "PROCESSING" });
    await doomed.close();

    // The merchant retries; only what is still owed is scheduled, and the worker resumes.
    const retry = await merchant.post(`/merchant/v1/booking-slots/${slot.id}/cancel`);
    expect(retry.body).toMatchObject({ status: "CANCELLED", refundsScheduled: 4 });
    await kassa.runJobs();
    // The stranded refund reaches WeChat Pay through its own query-back, under its one number.
    await aMinuteLater(kassa);
    await aMinuteLater(kassa);

    const bookings = await merchant.bookingsOf(slot.id);
    for (const order of paid) {
      const booking = bookings.find((row) => row.orderId === order.id);
      expect(booking).toMatchObject({ status: "CANCELLED", cancelCause: "slot_cancelled" });
      const refund = await untilRefundIs(kassa, booking?.refundId as string, "SUCCESS");
      expect(refund.amountFen).toBe(5_000);
      expect(await refundEntries(kassa, refund.id)).toBe(1);
      const refunds = await kassa.running.kassa.deps.db
        .selectFrom("refunds")
        .select("id")
        .where("order_id", "=", order.id)
        .execute();
      expect(refunds).toEqual([{ id: refund.id }]);
      expect(
        (await eventsOfOrder(kassa, order.id)).filter((type) => type === "booking.cancelled"),
      ).toHaveLength(1);
      if (refund.channel === "wechatpay")
        expect(refundsAtChannel(kassa, order.id)).toMatchObject([{ amountRefund: 5_000 }]);
    }
    expect(paid.filter((_, index) => index >= 8).length).toBe(2);

    // Once more, after everything: nothing is owed, nothing is refunded again.
    const again = await merchant.post(`/merchant/v1/booking-slots/${slot.id}/cancel`);
    expect(again.body).toMatchObject({ refundsScheduled: 0 });
    await kassa.runJobs();
    for (const order of paid.slice(0, 8)) expect(refundsAtChannel(kassa, order.id)).toHaveLength(1);

    // An unpaid booking whose payment lands after the cancel is refunded in full as it lands.
    await payAtSimulator(kassa, lateToken, unpaid.id);
    await kassa.runJobs();
    const late = (await merchant.bookingsOf(slot.id)).find((row) => row.orderId === unpaid.id);
    expect(late).toMatchObject({ status: "CANCELLED", cancelCause: "slot_cancelled" });
    // Paid after its slot was cancelled: told as cancelled (with its refund), never as confirmed.
    expect((await eventsOfOrder(kassa, unpaid.id)).filter((type) => type.startsWith("booking."))).toEqual([
      "booking.cancelled",
    ]);
    await aMinuteLater(kassa);
    await untilRefundIs(kassa, late?.refundId as string, "SUCCESS");
    expect(refundsAtChannel(kassa, unpaid.id)).toMatchObject([{ amountRefund: 5_000 }]);
    expect(await merchant.slotNow(slot.id)).toMatchObject({ status: "CANCELLED", seatsTaken: 0 });
    // A cancelled slot takes no changes.
    expect(
      (await merchant.post(`/merchant/v1/booking-slots/${slot.id}`, { capacity: 20 })).body,
    ).toMatchObject({
      code: "BOOKING_SLOT_CANCELLED",
    });
  });

  it("cancels a booking the merchant had refunded wholly already, without refunding it again", async () => {
    const merchant = new MerchantBookings(kassa, key);
    const slot = await merchant.slot(await merchant.service(), { capacity: 2, priceFen: 3_000 });
    const token = await kassa.login();
    const order = await booked(kassa, token, slot.id);
    await payAtSimulator(kassa, token, order.id);
    const goodwill = await refundThroughUseCase(kassa, { orderId: order.id, amountFen: 3_000 });
    const cancel = await merchant.post(`/merchant/v1/booking-slots/${slot.id}/cancel`);
    expect(cancel.body).toMatchObject({ refundsScheduled: 1 });
    await kassa.runJobs();
    expect(await merchant.bookingsOf(slot.id)).toMatchObject([
      { orderId: order.id, status: "CANCELLED", cancelCause: "slot_cancelled", refundId: null },
    ]);
    expect(await eventsOfOrder(kassa, order.id)).toContain("booking.cancelled");
    expect((await merchant.post(`/merchant/v1/booking-slots/${slot.id}/cancel`)).body).toMatchObject({
      refundsScheduled: 0,
    });
    await aMinuteLater(kassa);
    await untilRefundIs(kassa, goodwill.id, "SUCCESS");
    expect(refundsAtChannel(kassa, order.id)).toMatchObject([{ amountRefund: 3_000 }]);
  });
});
