import { bookSeats, getBooking } from "../../../app/booking/book-seats.ts";
import { cancelBooking } from "../../../app/booking/cancel-booking.ts";
import { listSlots } from "../../../app/booking/merchant-slots.ts";
import { limitAsNumber } from "../../merchant/schemas.ts";
import type { KassaApp } from "../../server.ts";
import type { MiniProgramContext } from "../context.ts";
import { idempotencyHeaderErrorFormatter, OrdersCreateHeaders } from "../orders.create.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY, SESSION } from "../route-errors.ts";
import { documented } from "../schemas.ts";
import {
  AvailabilityPageSchema,
  AvailabilityQuery,
  BOOKED_ORDER_EXAMPLE,
  BookedOrderSchema,
  BookingCreateBody,
  BookingIdParams,
  CANCELLED_BOOKING_EXAMPLE,
  CancelledBookingSchema,
  CONFIRMED_BOOKING_EXAMPLE,
  SLOT_EXAMPLE,
} from "./schemas.ts";

/**
 * The mini program's booking routes (issue 10), behind the session hook: availability, book,
 * read, cancel. Paying a booking is paying its order (POST /v1/orders/:id/pay or
 * /pay-from-wallet); cancelling an unpaid one is cancelling its order.
 */
export function registerBookingRoutes(app: KassaApp, context: MiniProgramContext): void {
  app.get(
    "/v1/booking-slots",
    {
      schema: {
        summary: "List bookable time slots, with the seats left in each",
        tags: ["bookings"],
        querystring: AvailabilityQuery,
        response: {
          200: documented(AvailabilityPageSchema, "Slots you can book now", {
            "one slot": { data: [SLOT_EXAMPLE], nextCursor: null },
          }),
          ...errorResponses([...ANY_REQUEST, ...SESSION, "REQUEST_INVALID", "BOOKING_SERVICE_NOT_FOUND"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listSlots(context.deps, {
        appId: request.appId,
        serviceId: request.query.serviceId,
        openOnly: true,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );

  app.post(
    "/v1/bookings",
    {
      schema: {
        summary: "Book seats in a time slot",
        description:
          "Makes an order of kind `booking`, priced by Kassa (price per seat x seats), with the seats held until it is paid or closes; it expires no later than the slot starts. Pay it as any order (POST /v1/orders/{id}/pay, or /pay-from-wallet); once paid, `booking.ticketCode` admits you at the door.",
        tags: ["bookings"],
        headers: OrdersCreateHeaders,
        body: BookingCreateBody,
        response: {
          201: documented(BookedOrderSchema, "The booking's order, PENDING, its seats HELD", {
            "two seats": BOOKED_ORDER_EXAMPLE,
          }),
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...SESSION,
              "BOOKING_SLOT_NOT_FOUND",
              "BOOKING_SLOT_NOT_BOOKABLE",
              "BOOKING_SLOT_FULL",
              "ORDER_AMOUNT_TOO_LARGE",
              "ORDER_LIMIT_REACHED",
              "IDEMPOTENCY_KEY_INVALID",
              "IDEMPOTENCY_KEY_REUSED",
              "IDEMPOTENCY_KEY_IN_PROGRESS",
            ],
            {
              BOOKING_SLOT_FULL: { seatsLeft: 1 },
              BOOKING_SLOT_NOT_BOOKABLE: { status: "OPEN", started: true },
            },
          ),
        },
      },
      schemaErrorFormatter: idempotencyHeaderErrorFormatter,
    },
    async (request, reply) => {
      const result = await bookSeats(context.deps, {
        appId: request.appId,
        userId: request.userId,
        slotId: request.body.slotId,
        seats: request.body.seats,
        idempotencyKey: request.headers["idempotency-key"],
      });
      if (result.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).send(result.order);
    },
  );

  app.get(
    "/v1/bookings/:id",
    {
      schema: {
        summary: "Get your booking, with its ticket code once paid",
        tags: ["bookings"],
        params: BookingIdParams,
        response: {
          200: documented(BookedOrderSchema, "The booking and its order", {
            paid: CONFIRMED_BOOKING_EXAMPLE,
          }),
          ...errorResponses([...ANY_REQUEST, ...SESSION, "BOOKING_NOT_FOUND"]),
        },
      },
    },
    async (request) => getBooking(context.deps, { userId: request.userId, orderId: request.params.id }),
  );
}

export function registerBodilessBookingRoutes(app: KassaApp, context: MiniProgramContext): void {
  app.post(
    "/v1/bookings/:id/cancel",
    {
      schema: {
        summary: "Cancel a paid booking, for the refund the service's policy gives",
        description:
          "Before the slot starts: the seats go back and the refund is what the service's cancellation policy gives at this moment (e.g. all of it until 24 h before the start, half until 2 h before, nothing after), to WeChat Pay or the wallet as paid. Takes no body.",
        tags: ["bookings"],
        params: BookingIdParams,
        response: {
          200: documented(CancelledBookingSchema, "The booking, CANCELLED, and its refund", {
            "a day ahead": CANCELLED_BOOKING_EXAMPLE,
          }),
          ...errorResponses(
            [...ANY_REQUEST, ...JSON_BODY, ...SESSION, "BOOKING_NOT_FOUND", "BOOKING_NOT_CANCELLABLE"],
            { ...BODY_REFUSED, BOOKING_NOT_CANCELLABLE: { status: "CONFIRMED", started: true } },
          ),
        },
      },
    },
    async (request) => cancelBooking(context.deps, { userId: request.userId, orderId: request.params.id }),
  );
}
