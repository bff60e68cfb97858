import { closeSlot } from "../../../app/booking/merchant-slots.ts";
import { idempotentWrite } from "../../../app/merchant/idempotent-write.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY } from "../../mini-program/route-errors.ts";
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
import { SlotIdParams, SlotViewSchema } from "./schemas.ts";

/** POST /merchant/v1/booking-slots/:slotId/close (no body; register it in a takesNoBody scope). */
export function registerBookingSlotClose(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/booking-slots/:slotId/close",
    {
      schema: {
        summary: "Stop taking bookings for a slot",
        description:
          "New bookings are refused (BOOKING_SLOT_NOT_BOOKABLE); existing ones stand, paid or not. Closing a closed slot changes nothing. Takes no body.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: SlotIdParams,
        headers: IdempotencyHeaders,
        response: {
          200: { ...SlotViewSchema, description: "The slot, CLOSED", headers: REPLAYED_HEADER },
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...MERCHANT_WRITE,
              "BOOKING_SLOT_NOT_FOUND",
              "BOOKING_SLOT_CANCELLED",
            ],
            BODY_REFUSED,
          ),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 200,
        body: await closeSlot(context.deps, trx, {
          appId: request.merchant.appId,
          slotId: request.params.slotId,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );
}
