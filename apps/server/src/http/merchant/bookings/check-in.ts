import { Type } from "typebox";
import { checkIn } from "../../../app/booking/check-in.ts";
import { idempotentWrite } from "../../../app/merchant/idempotent-write.ts";
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
import { MERCHANT_WRITE } from "../route-errors.ts";
import { MerchantBookingViewSchema } from "./schemas.ts";

export const CheckInBody = Type.Object(
  {
    ticketCode: Type.String({
      minLength: 1,
      maxLength: 64,
      description: "The `booking.ticketCode` the payer shows (GET /v1/bookings/{id})",
    }),
  },
  { additionalProperties: false, examples: [{ ticketCode: "tkt_9w4m2k7q1x8c3v6b0n5p2r7t4d" }] },
);

/** POST /merchant/v1/bookings/check-in */
export function registerBookingCheckIn(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/bookings/check-in",
    {
      schema: {
        summary: "Check a ticket in at the door",
        description:
          "A paid booking's ticket admits once: the first check-in answers the booking CHECKED_IN; a second is refused with the time of the first (BOOKING_ALREADY_CHECKED_IN). An unpaid or cancelled booking admits nobody.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        headers: IdempotencyHeaders,
        body: CheckInBody,
        response: {
          200: {
            ...MerchantBookingViewSchema,
            description: "The booking, CHECKED_IN",
            headers: REPLAYED_HEADER,
          },
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...MERCHANT_WRITE,
              "BOOKING_NOT_FOUND",
              "BOOKING_ALREADY_CHECKED_IN",
              "BOOKING_NOT_ADMITTED",
            ],
            {
              BOOKING_ALREADY_CHECKED_IN: { checkedInAt: "2026-12-05T10:52:13.020Z" },
              BOOKING_NOT_ADMITTED: { status: "CANCELLED" },
            },
          ),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 200,
        body: await checkIn(context.deps, trx, {
          appId: request.merchant.appId,
          ticketCode: request.body.ticketCode,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );
}
