import { Type } from "typebox";
import { listLedgerAccounts } from "../../app/merchant/ledger.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { limitAsNumber, PageCursor, PageLimit } from "./schemas.ts";

export const LedgerAccountsQuery = Type.Object(
  { limit: PageLimit, cursor: PageCursor },
  { additionalProperties: false },
);

export const LedgerAccountSchema = Type.Object({
  code: Type.String({
    description:
      "`wechatpay:clearing`, `sales`, `refunds`, `promotions`, `wallet:usr_…`, `tips:rcp_…` (docs/ledger.md)",
  }),
  type: Type.String({ enum: ["asset", "liability", "revenue", "expense"] }),
  normalSide: Type.String({ enum: ["debit", "credit"], description: "The side that makes the balance grow" }),
  currency: Type.String({ description: "`CNY`" }),
  balanceFen: Type.Integer({
    description: "On the normal side: a wallet's balance is what is owed to its holder",
  }),
  balanceYuan: Type.String(),
  mayGoNegative: Type.Boolean({
    description: "false for wallets: the database refuses a balance below zero",
  }),
  createdAt: Type.String({ description: "ISO 8601, UTC: the account's first posting" }),
});

export const LedgerAccountPageSchema = Type.Object({
  data: Type.Array(LedgerAccountSchema, { description: "In code order" }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: "Send it as `cursor` for the next page; null on the last page",
  }),
});

/** GET /merchant/v1/ledger/accounts: the app's ledger accounts and their balances. */
export function registerLedgerAccountsList(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/ledger/accounts",
    {
      schema: {
        summary: "List your app's ledger accounts with their balances",
        description: "Balances move in the transaction that posts, so they are never behind the journal.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        querystring: LedgerAccountsQuery,
        response: {
          200: LedgerAccountPageSchema,
          ...errorResponses([...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "REQUEST_INVALID"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listLedgerAccounts(context.deps, {
        appId: request.merchant.appId,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );
}
