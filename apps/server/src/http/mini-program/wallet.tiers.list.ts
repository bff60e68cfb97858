import { Type } from "typebox";
import { listTiers } from "../../db/wallet-tiers-repo.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { ANY_REQUEST, errorResponses, SESSION } from "./route-errors.ts";
import { documented } from "./schemas.ts";
import { viewTier, WALLET_TIER_EXAMPLE, WalletTierSchema } from "./wallet-schemas.ts";

export const WalletTiersResponse = Type.Object({
  data: Type.Array(WalletTierSchema, { description: "The tiers on offer, smallest amount first" }),
  customAmount: Type.Object(
    {
      minFen: Type.Integer({ description: "The smallest custom top-up, in fen" }),
      maxFen: Type.Integer({ description: "The largest custom top-up, in fen" }),
    },
    { description: "A custom amount (no bonus) must lie within these bounds" },
  ),
});

/** GET /v1/wallet/tiers: what the caller's app offers to top up with. */
export function registerWalletTiersList(app: KassaApp, context: MiniProgramContext): void {
  app.get(
    "/v1/wallet/tiers",
    {
      schema: {
        summary: "List the top-up tiers of your app, and the bounds of a custom amount",
        tags: ["wallet"],
        response: {
          200: documented(WalletTiersResponse, "The tiers and the custom bounds", {
            "one tier": { data: [WALLET_TIER_EXAMPLE], customAmount: { minFen: 100, maxFen: 500000 } },
          }),
          ...errorResponses([...ANY_REQUEST, ...SESSION]),
        },
      },
    },
    async (request) => ({
      data: (await listTiers(context.deps.db, { appId: request.appId, activeOnly: true })).map(viewTier),
      customAmount: context.deps.settings.walletTopUp,
    }),
  );
}
