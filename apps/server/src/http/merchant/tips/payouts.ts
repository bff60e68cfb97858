import { Type } from "typebox";
import { idempotentWrite } from "../../../app/merchant/idempotent-write.ts";
import { listPayouts, recordPayout } from "../../../app/tip/payouts.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../../mini-program/route-errors.ts";
import type { KassaApp } from "../../server.ts";
import { pageOf } from "../bookings/schemas.ts";
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
import { PayoutCreateBody, PayoutViewSchema, RecipientIdParams } from "./schemas.ts";

const PayoutAnswerSchema = Type.Object({
  ...PayoutViewSchema.properties,
  balanceFen: Type.Integer({ description: "What you owe the recipient after this payout" }),
});

/** POST and GET /merchant/v1/tip-recipients/:recipientId/payouts. */
export function registerTipPayouts(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/tip-recipients/:recipientId/payouts",
    {
      schema: {
        summary: "Record a payout to a recipient",
        description:
          "You paid the recipient (by bank transfer, in cash: paying the person is outside Kassa); this books it, Dr `tips:<recipientId>` / Cr `payouts`, and lowers what you owe. At most the balance. Send an Idempotency-Key, so a retry records it once.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: RecipientIdParams,
        headers: IdempotencyHeaders,
        body: PayoutCreateBody,
        response: {
          201: { ...PayoutAnswerSchema, description: "The payout, booked", headers: REPLAYED_HEADER },
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...MERCHANT_WRITE,
              "TIP_RECIPIENT_NOT_FOUND",
              "TIP_PAYOUT_ABOVE_BALANCE",
            ],
            { TIP_PAYOUT_ABOVE_BALANCE: { balanceFen: 1200 } },
          ),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 201,
        body: await recordPayout(context.deps, trx, {
          appId: request.merchant.appId,
          recipientId: request.params.recipientId,
          amountFen: request.body.amountFen,
          reference: request.body.reference,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );

  app.get(
    "/merchant/v1/tip-recipients/:recipientId/payouts",
    {
      schema: {
        summary: "List a recipient's payouts",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: RecipientIdParams,
        querystring: Type.Object({ limit: PageLimit, cursor: PageCursor }, { additionalProperties: false }),
        response: {
          200: pageOf(PayoutViewSchema, "Oldest first"),
          ...errorResponses([
            ...ANY_REQUEST,
            ...MERCHANT_KEY,
            "MERCHANT_KEY_SCOPE",
            "REQUEST_INVALID",
            "TIP_RECIPIENT_NOT_FOUND",
          ]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listPayouts(context.deps, {
        appId: request.merchant.appId,
        recipientId: request.params.recipientId,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );
}
