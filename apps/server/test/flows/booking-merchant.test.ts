import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MerchantBookings, POLICY, type SlotBody } from "../bookings.ts";
import { KassaUnderTest } from "../kassa-harness.ts";
import { makeApiKey, makeOtherApp } from "../merchant-keys.ts";

/**
 * Issue 10: the merchant defines booking services (with their cancellation policy as data)
 * and time slots through the merchant API: wall-clock times in the merchant's time zone
 * (Asia/Shanghai by default), capacity and price changed without touching bookings, closed.
 * Every POST honours Idempotency-Key; every key sees only its app. SQLite and PostgreSQL.
 */
let kassa: KassaUnderTest;
let merchant: MerchantBookings;

beforeAll(async () => {
  kassa = await KassaUnderTest.start();
  merchant = new MerchantBookings(kassa, (await makeApiKey(kassa)).secret);
});
afterAll(async () => {
  await kassa?.close();
});

describe("booking services", () => {
  it("keep their policy, furthest bound first, and refuse one Kassa cannot apply", async () => {
    const id = await merchant.service([...POLICY].reverse());
    expect(id).toMatch(/^svc_[0-9a-z]{26}$/);
    const service = await merchant.get(`/merchant/v1/booking-services/${id}`);
    expect(service.body).toMatchObject({ id, cancellationPolicy: POLICY });
    for (const [policy, status] of [
      [
        [
          { beforeStartHours: 2, refundPercent: 100 },
          { beforeStartHours: 24, refundPercent: 50 },
        ],
        400,
      ],
      [
        [
          { beforeStartHours: 24, refundPercent: 100 },
          { beforeStartHours: 24, refundPercent: 50 },
        ],
        400,
      ],
      [[{ beforeStartHours: 0, refundPercent: 100 }], 400],
      [[{ beforeStartHours: 3, refundPercent: 120 }], 400],
      [[{ beforeStartHours: 3 }], 400],
    ] as const) {
      const answer = await merchant.post("/merchant/v1/booking-services", {
        name: "x",
        cancellationPolicy: policy,
      });
      expect(answer.status, JSON.stringify(policy)).toBe(status);
    }
    const refused = await merchant.post("/merchant/v1/booking-services", {
      name: "x",
      cancellationPolicy: [
        { beforeStartHours: 2, refundPercent: 100 },
        { beforeStartHours: 24, refundPercent: 50 },
      ],
    });
    expect(refused.body).toMatchObject({ code: "BOOKING_POLICY_INVALID" });
    const list = await merchant.get("/merchant/v1/booking-services?limit=100");
    expect((list.body as { data: { id: string }[] }).data.map((row) => row.id)).toContain(id);
  });

  it("answer an Idempotency-Key's retry with the first service, and make no second", async () => {
    const body = { name: "Retry class", cancellationPolicy: [] };
    const headers = { "idempotency-key": "svc-retry-1" };
    const first = await merchant.post("/merchant/v1/booking-services", body, headers);
    const again = await merchant.post("/merchant/v1/booking-services", body, headers);
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
  });
});

describe("time slots", () => {
  it("read start and end in Asia/Shanghai unless told another zone, and show both", async () => {
    const serviceId = await merchant.service();
    const answer = await merchant.post(`/merchant/v1/booking-services/${serviceId}/slots`, {
      start: "2036-12-05T19:00",
      end: "2036-12-05T20:30",
      capacity: 12,
      priceFen: 8_800,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    expect(answer.body).toMatchObject({
      serviceId,
      start: "2036-12-05T19:00:00",
      timeZone: "Asia/Shanghai",
      startsAt: "2036-12-05T11:00:00.000Z",
      endsAt: "2036-12-05T12:30:00.000Z",
      capacity: 12,
      seatsTaken: 0,
      seatsLeft: 12,
      priceFen: 8_800,
      priceYuan: "88.00",
      status: "OPEN",
    });
    const berlin = await merchant.post(`/merchant/v1/booking-services/${serviceId}/slots`, {
      start: "2036-07-01T12:00",
      end: "2036-07-01T13:00",
      timeZone: "Europe/Berlin",
      capacity: 1,
      priceFen: 100,
    });
    expect(berlin.body).toMatchObject({ startsAt: "2036-07-01T10:00:00.000Z", timeZone: "Europe/Berlin" });
    const slots = await merchant.get(`/merchant/v1/booking-services/${serviceId}/slots`);
    expect((slots.body as { data: SlotBody[] }).data.map((slot) => slot.start)).toEqual([
      "2036-07-01T12:00:00",
      "2036-12-05T19:00:00",
    ]);
  });

  it("refuse times that are not valid, in the past, or of an unknown service", async () => {
    const serviceId = await merchant.service();
    const slot = (body: Record<string, unknown>) =>
      merchant.post(`/merchant/v1/booking-services/${serviceId}/slots`, {
        start: "2036-12-05T19:00",
        end: "2036-12-05T20:00",
        capacity: 5,
        priceFen: 100,
        ...body,
      });
    for (const body of [
      { end: "2036-12-05T18:00" },
      { start: "2036-02-30T10:00" },
      { timeZone: "Mars/Olympus" },
      { start: "2020-01-01T10:00", end: "2020-01-01T11:00" },
      { end: "2036-12-20T20:00" },
    ]) {
      const answer = await slot(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ code: "BOOKING_TIME_INVALID" });
    }
    for (const body of [{ start: "2036-12-05 19:00" }, { capacity: -1 }, { priceFen: 0 }, { priceFen: 1.5 }])
      expect((await slot(body)).body, JSON.stringify(body)).toMatchObject({ code: "REQUEST_INVALID" });
    const unknown = await merchant.post("/merchant/v1/booking-services/svc_nope/slots", {
      start: "2036-12-05T19:00",
      end: "2036-12-05T20:00",
      capacity: 5,
      priceFen: 100,
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: "BOOKING_SERVICE_NOT_FOUND" });
  });

  it("change capacity and price, and close; a closed slot stays closed", async () => {
    const slot = await merchant.slot(await merchant.service());
    const changed = await merchant.post(`/merchant/v1/booking-slots/${slot.id}`, {
      capacity: 3,
      priceFen: 9_900,
    });
    expect(changed.body).toMatchObject({ capacity: 3, seatsLeft: 3, priceFen: 9_900 });
    expect((await merchant.post(`/merchant/v1/booking-slots/${slot.id}`, {})).status).toBe(400);
    const closed = await merchant.post(`/merchant/v1/booking-slots/${slot.id}/close`);
    expect(closed.body).toMatchObject({ status: "CLOSED" });
    expect((await merchant.post(`/merchant/v1/booking-slots/${slot.id}/close`)).body).toMatchObject({
      status: "CLOSED",
    });
    expect((await merchant.get("/merchant/v1/booking-slots/slt_nope")).status).toBe(404);
  });

  it("are another app's business for another app's key: unknown", async () => {
    const slot = await merchant.slot(await merchant.service());
    const other = await makeOtherApp(kassa, "bookings");
    const otherKey = (await makeApiKey(kassa, { app: other })).secret;
    const stranger = new MerchantBookings(kassa, otherKey);
    expect((await stranger.get(`/merchant/v1/booking-slots/${slot.id}`)).status).toBe(404);
    expect((await stranger.post(`/merchant/v1/booking-slots/${slot.id}`, { capacity: 0 })).status).toBe(404);
    expect((await stranger.get(`/merchant/v1/booking-services/${slot.serviceId}`)).status).toBe(404);
  });
});
