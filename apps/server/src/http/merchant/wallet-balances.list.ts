import { Type } from "typebox";
import { listWalletBalances } from "../../app/merchant/wallet.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { limitAsNumber, PageCursor, PageLimit } from "./schemas.ts";
import { WalletBalanceSchema } from "./wallet-schemas.ts";

export const WalletBalancesQuery = Type.Object(
  {
    limit: PageLimit,
    cursor: PageCursor,
    userId: Type.Optional(
      Type.String({ pattern: "^usr_[0-9a-z]{1,60}$", description: "Only this payer's wallet" }),
    ),
  },
  { additionalProperties: false },
);

export const WalletBalancePageSchema = Type.Object({
  data: Type.Array(WalletBalanceSchema, { description: "In user id order" }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: "Send it as `cursor` for the next page; null on the last page",
  }),
});

/** GET /merchant/v1/wallet/balances: what the merchant owes each payer. */
export function registerWalletBalancesList(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/wallet/balances",
    {
      schema: {
        summary: "List your payers' wallet balances",
        description:
          "A wallet appears with its first credit. The sum of the balances is the app's wallet liability (docs/ledger.md).",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        querystring: WalletBalancesQuery,
        response: {
          200: WalletBalancePageSchema,
          ...errorResponses([...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "REQUEST_INVALID"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listWalletBalances(context.deps, {
        appId: request.merchant.appId,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
        userId: request.query.userId,
      }),
  );
}
