import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  advanceTo,
  type BookedBody,
  book,
  booked,
  expectSeatsAddUp,
  MerchantBookings,
  type SlotBody,
} from "../bookings.ts";
import { expectLedgerHolds } from "../check-ledger.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey } from "../merchant-keys.ts";
import { deliver, paymentNotification } from "../notifications.ts";
import { payAtSimulator, untilPaid } from "../pay-order.ts";
import { aMinuteLater, eventsOfOrder, refundsAtChannel, untilRefundIs } from "../refunds.ts";
import { topUpAtSimulator, walletOfOrder } from "../wallet.ts";
import { addEndpoint, ReceiverPool, verified } from "../webhook-flows.ts";

/**
 * Issue 10, bookings through the simulator over real HTTP: a payer books seats (held with the
 * order, as stock is), pays as any order, shows the ticket the merchant checks in once;
 * the last seat goes to exactly one of 20 concurrent bookers; an expired hold comes back and is
 * booked again; a paid booking cancelled on each side of the policy's bounds gets what the
 * policy gives, through WeChat Pay or the wallet. checkLedger after each. SQLite and PostgreSQL.
 */
let kassa: KassaUnderTest;
let merchant: MerchantBookings;
let serviceId: string;

beforeAll(async () => {
  kassa = await KassaUnderTest.start({
    KASSA_RATE_LIMIT_PER_USER: "1000",
    KASSA_RATE_LIMIT_LOGIN_PER_IP: "1000",
  });
  merchant = new MerchantBookings(kassa, (await makeApiKey(kassa)).secret);
  serviceId = await merchant.service();
});
afterAll(async () => {
  await kassa?.close();
});
const receivers = new ReceiverPool();
afterEach(async () => {
  await receivers.endTest(kassa);
  await expectLedgerHolds(kassa.running.kassa.deps.db);
  await expectSeatsAddUp(kassa);
});

const HOUR = 3_600_000;
const startOf = (slot: SlotBody) => Date.parse(slot.startsAt);
const bookingOf = async (token: string, orderId: string) =>
  (await kassa.request("GET", `/v1/bookings/${orderId}`, { token })).body as BookedBody;

describe("a booking", () => {
  it("holds its seats, is paid as an order, and its ticket admits once", async () => {
    const slot = await merchant.slot(serviceId, { capacity: 5, priceFen: 8_800 });
    const token = await kassa.login();
    const availability = await kassa.request("GET", `/v1/booking-slots?serviceId=${serviceId}&limit=100`, {
      token,
    });
    expect((availability.body as { data: SlotBody[] }).data.find((row) => row.id === slot.id)).toMatchObject({
      seatsLeft: 5,
    });
    const order = await booked(kassa, token, slot.id, 2);
    expect(order).toMatchObject({ kind: "booking", status: "PENDING", amountFen: 17_600, lines: [] });
    expect(order.booking).toMatchObject({ seats: 2, unitPriceFen: 8_800, status: "HELD", ticketCode: null });
    expect(await merchant.slotNow(slot.id)).toMatchObject({ seatsTaken: 2, seatsLeft: 3 });

    await payAtSimulator(kassa, token, order.id);
    const paid = await bookingOf(token, order.id);
    expect(paid).toMatchObject({ status: "PAID", booking: { status: "CONFIRMED" } });
    expect(paid.booking.ticketCode).toMatch(/^tkt_[0-9a-z]{26}$/);
    // The capture posts as a purchase's does.
    const entry = await kassa.running.kassa.deps.db
      .selectFrom("ledger_entries")
      .select(["cause_type", "description"])
      .where("order_id", "=", order.id)
      .execute();
    expect(entry).toEqual([
      { cause_type: "payment_captured", description: "purchase paid through wechatpay" },
    ]);

    // Price and capacity change for new bookings only, never below the seats taken.
    expect(
      (await merchant.post(`/merchant/v1/booking-slots/${slot.id}`, { capacity: 1 })).body,
    ).toMatchObject({
      code: "BOOKING_CAPACITY_BELOW_TAKEN",
      details: { seatsTaken: 2 },
    });
    expect(
      (await merchant.post(`/merchant/v1/booking-slots/${slot.id}`, { capacity: 2, priceFen: 9_900 })).body,
    ).toMatchObject({ capacity: 2, seatsLeft: 0, priceFen: 9_900 });
    expect((await bookingOf(token, order.id)).booking.unitPriceFen).toBe(8_800);
    expect((await book(kassa, token, slot.id)).body).toMatchObject({
      code: "BOOKING_SLOT_FULL",
      details: { seatsLeft: 0 },
    });

    const ticketCode = paid.booking.ticketCode;
    // Two doors scan the same ticket at once: it admits once.
    const scans = await Promise.all([
      merchant.post("/merchant/v1/bookings/check-in", { ticketCode }),
      merchant.post("/merchant/v1/bookings/check-in", { ticketCode }),
    ]);
    const first = scans.find((scan) => scan.status === 200) as (typeof scans)[number];
    expect(first.body).toMatchObject({ orderId: order.id, status: "CHECKED_IN", seats: 2 });
    const checkedInAt = (first.body as { checkedInAt: string }).checkedInAt;
    for (const again of [
      scans.find((scan) => scan !== first),
      await merchant.post("/merchant/v1/bookings/check-in", { ticketCode }),
    ]) {
      expect(again?.status).toBe(409);
      expect(again?.body).toMatchObject({ code: "BOOKING_ALREADY_CHECKED_IN", details: { checkedInAt } });
    }
    expect((await merchant.post("/merchant/v1/bookings/check-in", { ticketCode: "tkt_nope" })).status).toBe(
      404,
    );
    expect(await merchant.bookingsOf(slot.id)).toMatchObject([{ orderId: order.id, status: "CHECKED_IN" }]);
    expect(await eventsOfOrder(kassa, order.id)).toEqual([
      "booking.confirmed",
      "order.paid",
      "booking.checked_in",
    ]);
    // A checked-in booking is no longer the payer's to cancel.
    expect((await kassa.request("POST", `/v1/bookings/${order.id}/cancel`, { token })).body).toMatchObject({
      code: "BOOKING_NOT_CANCELLABLE",
      details: { status: "CHECKED_IN" },
    });
  });

  it("paid is told once as booking.confirmed, whatever copies of its notification race, and reaches its endpoint signed", async () => {
    const hook = await receivers.start();
    const endpoint = await addEndpoint(kassa, { url: hook.url, eventTypes: ["booking.confirmed"] });
    const slot = await merchant.slot(serviceId, { capacity: 3, priceFen: 4_200 });
    const token = await kassa.login();
    const order = await booked(kassa, token, slot.id, 1);
    const params = (await kassa.request("POST", `/v1/orders/${order.id}/pay`, { token })).body as object;
    // The simulator's own notification and 3 copies (each its own id, none dropped as a repeat) at once.
    const copies = await Promise.all(
      [1, 2, 3].map((n) =>
        paymentNotification(kassa, { outTradeNo: order.id, amountFen: 4_200, id: `copy${n}-${order.id}` }),
      ),
    );
    const [cashier, ...statuses] = await Promise.all([
      fetch(`${kassa.sandbox.url}/cashier/api/pay`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ...params, bankType: "CMB_CREDIT" }),
      }),
      ...copies.map((copy) => deliver(kassa, copy)),
    ]);
    expect(cashier?.status).toBe(200);
    expect(statuses.every((status) => (status as number) < 300)).toBe(true);
    await untilPaid(kassa, token, order.id);
    expect(await eventsOfOrder(kassa, order.id)).toEqual(["booking.confirmed", "order.paid"]);
    const stored = await kassa.running.kassa.deps.db
      .selectFrom("outbox_events")
      .select(["id", "payload", "aggregate_seq"])
      .where("aggregate_id", "=", order.id)
      .where("type", "=", "booking.confirmed")
      .executeTakeFirstOrThrow();
    const ticketCode = (await bookingOf(token, order.id)).booking.ticketCode;
    expect(JSON.parse(stored.payload)).toMatchObject({
      orderId: order.id,
      booking: {
        orderId: order.id,
        slotId: slot.id,
        seats: 1,
        status: "CONFIRMED",
        ticketCode,
        refundId: null,
      },
      order: { id: order.id, kind: "booking", status: "PAID", amountFen: 4_200 },
    });
    await kassa.runWebhookJobs();
    expect(hook.received).toHaveLength(1);
    expect(verified(endpoint.secret, hook.received[0]!)).toMatchObject({
      id: stored.id,
      type: "booking.confirmed",
      sequence: 1,
      data: { orderId: order.id, booking: { status: "CONFIRMED", ticketCode } },
    });
  });

  it("of an unpaid order admits nobody, and is another payer's business for nobody else", async () => {
    const slot = await merchant.slot(serviceId, { capacity: 3 });
    const token = await kassa.login();
    const order = await booked(kassa, token, slot.id);
    const ticketCode = (
      await kassa.running.kassa.deps.db
        .selectFrom("bookings")
        .select("ticket_code")
        .where("order_id", "=", order.id)
        .executeTakeFirstOrThrow()
    ).ticket_code;
    expect((await merchant.post("/merchant/v1/bookings/check-in", { ticketCode })).body).toMatchObject({
      code: "BOOKING_NOT_ADMITTED",
      details: { status: "HELD" },
    });
    const stranger = await kassa.login();
    expect((await kassa.request("GET", `/v1/bookings/${order.id}`, { token: stranger })).status).toBe(404);
    expect((await kassa.request("POST", `/v1/bookings/${order.id}/cancel`, { token: stranger })).status).toBe(
      404,
    );
    expect((await kassa.request("POST", `/v1/orders/${order.id}/cancel`, { token })).body).toMatchObject({
      status: "CLOSED",
    });
    expect(await merchant.slotNow(slot.id)).toMatchObject({ seatsTaken: 0 });
    expect((await bookingOf(token, order.id)).booking.status).toBe("RELEASED");
  });

  it("refuses a slot that is closed, or has started, and expires no later than the start", async () => {
    const soon = await merchant.slot(serviceId, { startsInMs: 10 * 60_000 });
    const token = await kassa.login();
    const order = await booked(kassa, token, soon.id);
    expect(Date.parse(order.expiresAt)).toBe(startOf(soon));
    const closed = await merchant.slot(serviceId);
    await merchant.post(`/merchant/v1/booking-slots/${closed.id}/close`);
    expect((await book(kassa, token, closed.id)).body).toMatchObject({
      code: "BOOKING_SLOT_NOT_BOOKABLE",
      details: { status: "CLOSED", started: false },
    });
    await advanceTo(kassa, startOf(soon));
    expect((await book(kassa, token, soon.id)).body).toMatchObject({
      code: "BOOKING_SLOT_NOT_BOOKABLE",
      details: { started: true },
    });
    await kassa.runJobs();
    expect((await bookingOf(token, order.id)).booking.status).toBe("RELEASED");
    expect(await merchant.slotNow(soon.id)).toMatchObject({ seatsTaken: 0 });
  });
});

describe("the last seat", () => {
  it("goes to exactly one of 20 concurrent bookers, and the database never holds more than the capacity", async () => {
    const slot = await merchant.slot(serviceId, { capacity: 3 });
    const first = await kassa.login();
    await payAtSimulator(kassa, first, (await booked(kassa, first, slot.id, 2)).id);
    const payers = await Promise.all(Array.from({ length: 20 }, () => kassa.login()));
    const answers = await Promise.all(payers.map((token) => book(kassa, token, slot.id)));
    const winners = answers.filter((answer) => answer.status === 201);
    expect(winners).toHaveLength(1);
    for (const answer of answers.filter((one) => one.status !== 201))
      expect(answer.body).toMatchObject({ code: "BOOKING_SLOT_FULL", details: { seatsLeft: 0 } });
    expect(await merchant.slotNow(slot.id)).toMatchObject({ seatsTaken: 3, seatsLeft: 0 });
    const won = winners[0] as (typeof answers)[number];
    await payAtSimulator(kassa, payers[answers.indexOf(won)] as string, (won.body as BookedBody).id);
    const bookings = await merchant.bookingsOf(slot.id);
    expect(bookings.map((row) => [row.seats, row.status])).toEqual([
      [2, "CONFIRMED"],
      [1, "CONFIRMED"],
    ]);
  });
});

describe("a hold", () => {
  it("is released when its order expires, and the seat is booked again", async () => {
    const slot = await merchant.slot(serviceId, { capacity: 1 });
    const late = await kassa.login();
    const held = await booked(kassa, late, slot.id);
    const next = await kassa.login();
    expect((await book(kassa, next, slot.id)).body).toMatchObject({ code: "BOOKING_SLOT_FULL" });
    await advanceTo(kassa, Date.parse(held.expiresAt) + 1_000);
    await kassa.runJobs();
    expect(await bookingOf(late, held.id)).toMatchObject({
      status: "CLOSED",
      booking: { status: "RELEASED" },
    });
    expect(await merchant.slotNow(slot.id)).toMatchObject({ seatsTaken: 0, seatsLeft: 1 });
    const rebooked = await booked(kassa, next, slot.id);
    await payAtSimulator(kassa, next, rebooked.id);
    expect((await bookingOf(next, rebooked.id)).booking.status).toBe("CONFIRMED");
    expect(await merchant.slotNow(slot.id)).toMatchObject({ seatsTaken: 1 });
  });
});

describe("a cancellation", () => {
  it("on each side of the policy's bounds (24 h: all, 2 h: half, then nothing) gives what the policy says", async () => {
    const slot = await merchant.slot(serviceId, { capacity: 10, priceFen: 3_333, startsInMs: 3 * 24 * HOUR });
    const start = startOf(slot);
    const cases = [
      { at: start - 24 * HOUR - 1_000, percent: 100, refundFen: 3_333 },
      { at: start - 24 * HOUR + 1_000, percent: 50, refundFen: 1_666 },
      { at: start - 2 * HOUR - 1_000, percent: 50, refundFen: 1_666 },
      { at: start - 2 * HOUR + 1_000, percent: 0, refundFen: 0 },
    ];
    const made = [];
    for (const _ of cases) {
      const token = await kassa.login();
      const order = await booked(kassa, token, slot.id);
      await payAtSimulator(kassa, token, order.id);
      made.push({ token, order });
    }
    expect(await merchant.slotNow(slot.id)).toMatchObject({ seatsTaken: 4 });
    for (const [index, { at, percent, refundFen }] of cases.entries()) {
      const { token, order } = made[index] as (typeof made)[number];
      await advanceTo(kassa, at);
      const answer = await kassa.request("POST", `/v1/bookings/${order.id}/cancel`, { token });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      const cancelled = answer.body as BookedBody;
      expect(cancelled.booking).toMatchObject({
        status: "CANCELLED",
        cancelCause: "payer",
        ticketCode: null,
      });
      // Told once, with the refund (or without one, when the policy gives nothing).
      expect((await eventsOfOrder(kassa, order.id)).filter((type) => type.startsWith("booking."))).toEqual([
        "booking.confirmed",
        "booking.cancelled",
      ]);
      if (refundFen === 0) {
        expect(cancelled.refund).toBeNull();
        expect(refundsAtChannel(kassa, order.id)).toEqual([]);
        continue;
      }
      expect(cancelled.refund).toMatchObject({ amountFen: refundFen, refundPercent: percent });
      await aMinuteLater(kassa);
      await untilRefundIs(kassa, cancelled.refund?.id as string, "SUCCESS");
      expect(refundsAtChannel(kassa, order.id)).toMatchObject([{ amountRefund: refundFen }]);
    }
    expect(await merchant.slotNow(slot.id)).toMatchObject({ seatsTaken: 0 });
    const { token, order } = made[0] as (typeof made)[number];
    expect((await kassa.request("POST", `/v1/bookings/${order.id}/cancel`, { token })).body).toMatchObject({
      code: "BOOKING_NOT_CANCELLABLE",
      details: { status: "CANCELLED" },
    });
  });

  it("of a booking paid from the wallet refunds to the wallet", async () => {
    const slot = await merchant.slot(serviceId, { capacity: 2, priceFen: 2_000 });
    const token = await kassa.login();
    const topUp = await topUpAtSimulator(kassa, token, { amountFen: 5_000 });
    const order = await booked(kassa, token, slot.id);
    const paid = await kassa.request("POST", `/v1/orders/${order.id}/pay-from-wallet`, { token });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(await walletOfOrder(kassa, topUp.id)).toBe(3_000);
    expect((await bookingOf(token, order.id)).booking.status).toBe("CONFIRMED");
    const cancelled = (await kassa.request("POST", `/v1/bookings/${order.id}/cancel`, { token }))
      .body as BookedBody;
    expect(cancelled.refund).toMatchObject({ amountFen: 2_000, refundPercent: 100, status: "SUCCESS" });
    expect(await walletOfOrder(kassa, topUp.id)).toBe(5_000);
  });

  it("of an unpaid booking is refused: it is cancelled as an order", async () => {
    const slot = await merchant.slot(serviceId);
    const token = await kassa.login();
    const order = await booked(kassa, token, slot.id);
    expect((await kassa.request("POST", `/v1/bookings/${order.id}/cancel`, { token })).body).toMatchObject({
      code: "BOOKING_NOT_CANCELLABLE",
      details: { status: "HELD" },
    });
  });
});
