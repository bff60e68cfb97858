import { expect } from "vitest";
import { epochToLocal } from "../src/domain/booking/local-time.ts";
import type { Answer, KassaUnderTest } from "./kassa-harness.ts";

/** The merchant API's booking calls as a merchant's server makes them, for the booking flow tests. */
export interface SlotBody {
  id: string;
  serviceId: string;
  start: string;
  startsAt: string;
  capacity: number;
  seatsTaken: number;
  seatsLeft: number;
  priceFen: number;
  status: string;
}

export interface BookingBody {
  orderId: string;
  slotId: string;
  seats: number;
  unitPriceFen: number;
  status: string;
  ticketCode: string | null;
  checkedInAt: string | null;
  cancelCause: string | null;
  refundId: string | null;
}

export const POLICY = [
  { beforeStartHours: 24, refundPercent: 100 },
  { beforeStartHours: 2, refundPercent: 50 },
];

export class MerchantBookings {
  constructor(
    private readonly kassa: KassaUnderTest,
    private readonly key: string,
  ) {}

  post(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    return this.kassa.request("POST", path, {
      headers: { authorization: `Bearer ${this.key}`, ...headers },
      ...(body === undefined ? {} : { body }),
    });
  }

  get(path: string): Promise<Answer> {
    return this.kassa.request("GET", path, { headers: { authorization: `Bearer ${this.key}` } });
  }

  async service(policy: unknown = POLICY): Promise<string> {
    const answer = await this.post("/merchant/v1/booking-services", {
      name: "茶艺课 Tea class",
      cancellationPolicy: policy,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return (answer.body as { id: string }).id;
  }

  /** A slot starting `startsInMs` from Kassa's (virtual) now, on the minute, in Asia/Shanghai. */
  async slot(
    serviceId: string,
    options: { startsInMs?: number; capacity?: number; priceFen?: number } = {},
  ): Promise<SlotBody> {
    const startsAt = this.kassa.running.kassa.deps.clock.now() + (options.startsInMs ?? 3 * 24 * 3_600_000);
    const start = Math.ceil(startsAt / 60_000) * 60_000;
    const answer = await this.post(`/merchant/v1/booking-services/${serviceId}/slots`, {
      start: epochToLocal(start, "Asia/Shanghai").slice(0, 16),
      end: epochToLocal(start + 90 * 60_000, "Asia/Shanghai").slice(0, 16),
      capacity: options.capacity ?? 10,
      priceFen: options.priceFen ?? 8_800,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(201);
    return answer.body as SlotBody;
  }

  async slotNow(slotId: string): Promise<SlotBody> {
    return (await this.get(`/merchant/v1/booking-slots/${slotId}`)).body as SlotBody;
  }

  async bookingsOf(slotId: string): Promise<BookingBody[]> {
    const answer = await this.get(`/merchant/v1/booking-slots/${slotId}/bookings?limit=100`);
    expect(answer.status).toBe(200);
    return (answer.body as { data: BookingBody[] }).data;
  }
}

export type BookedBody = {
  id: string;
  kind: string;
  status: string;
  amountFen: number;
  expiresAt: string;
  refundedFen: number;
  booking: BookingBody;
  refund?: { id: string; amountFen: number; refundPercent: number; status: string } | null;
};

/** A payer books as the mini program does: POST /v1/bookings. */
export async function book(kassa: KassaUnderTest, token: string, slotId: string, seats = 1): Promise<Answer> {
  return kassa.request("POST", "/v1/bookings", { token, body: { slotId, seats } });
}

export async function booked(
  kassa: KassaUnderTest,
  token: string,
  slotId: string,
  seats = 1,
): Promise<BookedBody> {
  const answer = await book(kassa, token, slotId, seats);
  expect(answer.status, JSON.stringify(answer.body)).toBe(201);
  return answer.body as BookedBody;
}

/** Move the virtual clock (Kassa's and the simulator's) to this instant. */
export async function advanceTo(kassa: KassaUnderTest, at: number): Promise<void> {
  const now = kassa.running.kassa.deps.clock.now();
  if (at > now) await kassa.sandbox.admin.advanceClock(at - now);
}

/**
 * The seats every slot holds are exactly the seats of its bookings that hold some (HELD,
 * CONFIRMED, CHECKED_IN), and never more than its capacity: checked after each booking test.
 */
export async function expectSeatsAddUp(kassa: KassaUnderTest): Promise<void> {
  const db = kassa.running.kassa.deps.db;
  const slots = await db.selectFrom("booking_slots").select(["id", "seats_held", "capacity"]).execute();
  const held = await db
    .selectFrom("bookings")
    .select((eb) => ["slot_id", eb.fn.sum<number | string>("seats").as("seats")])
    .where("status", "in", ["HELD", "CONFIRMED", "CHECKED_IN"])
    .groupBy("slot_id")
    .execute();
  const bySlot = new Map(held.map((row) => [row.slot_id, Number(row.seats)]));
  for (const slot of slots) {
    expect(slot.seats_held, slot.id).toBe(bySlot.get(slot.id) ?? 0);
    expect(slot.seats_held, slot.id).toBeLessThanOrEqual(slot.capacity);
  }
}
