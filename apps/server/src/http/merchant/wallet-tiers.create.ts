import { Type } from "typebox";
import { idempotentWrite } from "../../app/merchant/idempotent-write.ts";
import { createMerchantTier } from "../../app/merchant/wallet.ts";
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
import { MerchantTierSchema, TierAmountFen, TierBonusFen } from "./wallet-schemas.ts";

export const TiersCreateBody = Type.Object(
  {
    amountFen: TierAmountFen,
    bonusFen: Type.Optional(TierBonusFen),
    active: Type.Optional(Type.Boolean({ description: "true by default" })),
  },
  { additionalProperties: false, examples: [{ amountFen: 10000, bonusFen: 1000 }] },
);

/** POST /merchant/v1/wallet/tiers: pay amountFen, get amountFen + bonusFen. */
export function registerWalletTiersCreate(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/wallet/tiers",
    {
      schema: {
        summary: "Add a top-up tier (pay 100.00, get 110.00)",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        headers: IdempotencyHeaders,
        body: TiersCreateBody,
        response: {
          201: { ...MerchantTierSchema, description: "The new tier", headers: REPLAYED_HEADER },
          ...errorResponses([...ANY_REQUEST, ...JSON_BODY, ...MERCHANT_WRITE]),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const { amountFen, bonusFen, active } = request.body;
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 201,
        body: await createMerchantTier(context.deps, trx, {
          appId: request.merchant.appId,
          amountFen,
          bonusFen: bonusFen ?? 0,
          active: active ?? true,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );
}
