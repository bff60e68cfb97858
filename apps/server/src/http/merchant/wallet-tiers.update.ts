import { Type } from "typebox";
import { idempotentWrite } from "../../app/merchant/idempotent-write.ts";
import { changeMerchantTier } from "../../app/merchant/wallet.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import {
  IdempotencyHeaders,
  idempotencyErrorFormatter,
  REPLAYED_HEADER,
  sendWrite,
  writeOf,
} from "./idempotency.ts";
import { MERCHANT_WRITE } from "./route-errors.ts";
import { MerchantTierSchema, TierAmountFen, TierBonusFen, TierIdParams } from "./wallet-schemas.ts";

export const TiersUpdateBody = Type.Object(
  {
    amountFen: Type.Optional(TierAmountFen),
    bonusFen: Type.Optional(TierBonusFen),
    active: Type.Optional(Type.Boolean({ description: "false withdraws the tier from payers" })),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ bonusFen: 1500 }, { active: false }] },
);

/** POST /merchant/v1/wallet/tiers/:tierId: top-ups already made keep the price they were made at. */
export function registerWalletTiersUpdate(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/wallet/tiers/:tierId",
    {
      schema: {
        summary: "Change a top-up tier's amount or bonus, or withdraw it",
        description:
          "Top-ups already made keep the amount and bonus they were made with (they are on the order); only new top-ups use the new ones.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: TierIdParams,
        headers: IdempotencyHeaders,
        body: TiersUpdateBody,
        response: {
          200: { ...MerchantTierSchema, description: "The tier as it is now", headers: REPLAYED_HEADER },
          ...errorResponses([...ANY_REQUEST, ...JSON_BODY, ...MERCHANT_WRITE, "WALLET_TIER_NOT_FOUND"]),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 200,
        body: await changeMerchantTier(context.deps, trx, {
          appId: request.merchant.appId,
          tierId: request.params.tierId,
          ...request.body,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );
}
