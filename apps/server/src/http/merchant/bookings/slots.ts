import { Type } from "typebox";
import {
  changeSlot,
  createSlot,
  getSlot,
  listSlotBookings,
  listSlots,
} from "../../../app/booking/merchant-slots.ts";
import { idempotentWrite } from "../../../app/merchant/idempotent-write.ts";
import { DEFAULT_TIME_ZONE } from "../../../domain/booking/local-time.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../../mini-program/route-errors.ts";
import type { KassaApp } from "../../server.ts";
import type { MerchantContext } from "../context.ts";
import {
  IdempotencyHeaders,
  idempotencyErrorFormatter,
  REPLAYED_HEADER,
  sendWrite,
  writeOf,
} from "../idempotency.ts";
import { MERCHANT_KEY, MERCHANT_WRITE } from "../route-errors.ts";
import { limitAsNumber, PageCursor, PageLimit } from "../schemas.ts";
import {
  Capacity,
  LocalTime,
  MerchantBookingViewSchema,
  PricePerSeatFen,
  pageOf,
  ServiceIdParams,
  SlotIdParams,
  SlotViewSchema,
  TimeZone,
} from "./schemas.ts";

export const SlotCreateBody = Type.Object(
  {
    start: LocalTime,
    end: LocalTime,
    timeZone: Type.Optional(TimeZone),
    capacity: Capacity,
    priceFen: PricePerSeatFen,
  },
  {
    additionalProperties: false,
    examples: [{ start: "2026-12-05T19:00", end: "2026-12-05T20:30", capacity: 12, priceFen: 8800 }],
  },
);

export const SlotChangeBody = Type.Object(
  { capacity: Type.Optional(Capacity), priceFen: Type.Optional(PricePerSeatFen) },
  { additionalProperties: false, minProperties: 1, examples: [{ capacity: 16 }, { priceFen: 9900 }] },
);

const READ = [...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "REQUEST_INVALID"] as const;
const PageQuery = Type.Object({ limit: PageLimit, cursor: PageCursor }, { additionalProperties: false });

/** A service's slots, one slot, and its changes (capacity, price) and bookings. */
export function registerBookingSlots(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/booking-services/:serviceId/slots",
    {
      schema: {
        summary: "Add a time slot to a service",
        description:
          "`start` and `end` are wall-clock times in `timeZone` (Asia/Shanghai when left out); the slot takes bookings until it starts.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: ServiceIdParams,
        headers: IdempotencyHeaders,
        body: SlotCreateBody,
        response: {
          201: { ...SlotViewSchema, description: "The new slot, OPEN", headers: REPLAYED_HEADER },
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...MERCHANT_WRITE,
              "BOOKING_SERVICE_NOT_FOUND",
              "BOOKING_TIME_INVALID",
            ],
            { BOOKING_TIME_INVALID: { reason: "end is not after start" } },
          ),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const body = request.body;
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 201,
        body: await createSlot(context.deps, trx, {
          appId: request.merchant.appId,
          serviceId: request.params.serviceId,
          start: body.start,
          end: body.end,
          timeZone: body.timeZone ?? DEFAULT_TIME_ZONE,
          capacity: body.capacity,
          priceFen: body.priceFen,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );

  app.get(
    "/merchant/v1/booking-services/:serviceId/slots",
    {
      schema: {
        summary: "List a service's slots",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: ServiceIdParams,
        querystring: PageQuery,
        response: {
          200: pageOf(SlotViewSchema, "By start time, every status"),
          ...errorResponses([...READ, "BOOKING_SERVICE_NOT_FOUND"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listSlots(context.deps, {
        appId: request.merchant.appId,
        serviceId: request.params.serviceId,
        openOnly: false,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );

  app.get(
    "/merchant/v1/booking-slots/:slotId",
    {
      schema: {
        summary: "Get a time slot, with its seats taken and left",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: SlotIdParams,
        response: { 200: SlotViewSchema, ...errorResponses([...READ, "BOOKING_SLOT_NOT_FOUND"]) },
      },
    },
    async (request) => getSlot(context.deps, request.merchant.appId, request.params.slotId),
  );

  app.post(
    "/merchant/v1/booking-slots/:slotId",
    {
      schema: {
        summary: "Change a slot's capacity or price per seat",
        description:
          "Existing bookings keep their seats and the price they were booked at. The capacity may not go below the seats taken (paid, and held by unpaid bookings).",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: SlotIdParams,
        headers: IdempotencyHeaders,
        body: SlotChangeBody,
        response: {
          200: { ...SlotViewSchema, description: "The slot after the change", headers: REPLAYED_HEADER },
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...MERCHANT_WRITE,
              "BOOKING_SLOT_NOT_FOUND",
              "BOOKING_CAPACITY_BELOW_TAKEN",
              "BOOKING_SLOT_CANCELLED",
            ],
            { BOOKING_CAPACITY_BELOW_TAKEN: { seatsTaken: 9 } },
          ),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 200,
        body: await changeSlot(context.deps, trx, {
          appId: request.merchant.appId,
          slotId: request.params.slotId,
          capacity: request.body.capacity,
          priceFen: request.body.priceFen,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );

  app.get(
    "/merchant/v1/booking-slots/:slotId/bookings",
    {
      schema: {
        summary: "List a slot's bookings",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: SlotIdParams,
        querystring: PageQuery,
        response: {
          200: pageOf(MerchantBookingViewSchema, "Oldest first, every status"),
          ...errorResponses([...READ, "BOOKING_SLOT_NOT_FOUND"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listSlotBookings(context.deps, {
        appId: request.merchant.appId,
        slotId: request.params.slotId,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );
}
