import { idempotentWrite } from "../../../app/merchant/idempotent-write.ts";
import { changeRecipient } from "../../../app/tip/merchant-recipients.ts";
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
import { RecipientIdParams, RecipientViewSchema } from "./schemas.ts";

/**
 * POST /merchant/v1/tip-recipients/:recipientId/deactivate and /activate (no body; register
 * them in a takesNoBody scope).
 */
export function registerTipRecipientActivation(app: KassaApp, context: MerchantContext): void {
  for (const verb of ["deactivate", "activate"] as const) {
    app.post(
      `/merchant/v1/tip-recipients/:recipientId/${verb}`,
      {
        schema: {
          summary:
            verb === "deactivate" ? "Stop taking tips for a recipient" : "Take tips for a recipient again",
          description:
            verb === "deactivate"
              ? "New tips are refused (TIP_RECIPIENT_INACTIVE) and the mini program no longer lists the recipient; tips already made stand, and what you owe can still be paid out. Takes no body."
              : "The recipient takes tips again, under its rules. Takes no body.",
          tags: ["merchant"],
          security: [{ merchantKey: [] }],
          params: RecipientIdParams,
          headers: IdempotencyHeaders,
          response: {
            200: {
              ...RecipientViewSchema,
              description: "The recipient after the switch",
              headers: REPLAYED_HEADER,
            },
            ...errorResponses(
              [...ANY_REQUEST, ...JSON_BODY, ...MERCHANT_WRITE, "TIP_RECIPIENT_NOT_FOUND"],
              BODY_REFUSED,
            ),
          },
        },
        schemaErrorFormatter: idempotencyErrorFormatter,
      },
      async (request, reply) => {
        const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
          status: 200,
          body: await changeRecipient(context.deps, trx, {
            appId: request.merchant.appId,
            recipientId: request.params.recipientId,
            active: verb === "activate",
          }),
        }));
        return sendWrite(reply, answer);
      },
    );
  }
}
