import { Type } from "typebox";
import { cancelSlot } from "../../../app/booking/cancel-slot.ts";
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

const CancelledSlotSchema = Type.Object({
  ...SlotViewSchema.properties,
  refundsScheduled: Type.Integer({
    description:
      "Paid bookings whose full refund this call scheduled (one job each); 0 on a repeat once all are recorded",
  }),
});

/** POST /merchant/v1/booking-slots/:slotId/cancel (no body; register it in a takesNoBody scope). */
export function registerBookingSlotCancel(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/booking-slots/:slotId/cancel",
    {
      schema: {
        summary: "Cancel a slot and refund every paid booking in full",
        description:
          "One idempotent operation: the slot becomes CANCELLED and a refund job per paid booking is scheduled in the same transaction, so a crash halfway resumes where it stopped and no booking is refunded twice. Calling it again schedules only what is still owed. Refunds go back as paid (WeChat Pay or the wallet); follow them in GET …/bookings (`refundId`) and the refund events. Takes no body.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: SlotIdParams,
        headers: IdempotencyHeaders,
        response: {
          200: { ...CancelledSlotSchema, description: "The slot, CANCELLED", headers: REPLAYED_HEADER },
          ...errorResponses(
            [...ANY_REQUEST, ...JSON_BODY, ...MERCHANT_WRITE, "BOOKING_SLOT_NOT_FOUND"],
            BODY_REFUSED,
          ),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 200,
        body: await cancelSlot(context.deps, trx, {
          appId: request.merchant.appId,
          slotId: request.params.slotId,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );
}
