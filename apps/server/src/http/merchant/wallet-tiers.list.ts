import { Type } from "typebox";
import { listMerchantTiers } from "../../app/merchant/wallet.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { MerchantTierSchema } from "./wallet-schemas.ts";

export const MerchantTiersResponse = Type.Object({
  data: Type.Array(MerchantTierSchema, {
    description: "Every tier, withdrawn ones too, smallest amount first",
  }),
});

/** GET /merchant/v1/wallet/tiers */
export function registerWalletTiersList(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/wallet/tiers",
    {
      schema: {
        summary: "List your app's top-up tiers",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        response: {
          200: MerchantTiersResponse,
          ...errorResponses([...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE"]),
        },
      },
    },
    async (request) => listMerchantTiers(context.deps, request.merchant.appId),
  );
}
