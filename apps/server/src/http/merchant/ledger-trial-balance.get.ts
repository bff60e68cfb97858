import { Type } from "typebox";
import { ledgerTrialBalance } from "../../app/merchant/ledger.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";

export const TrialBalanceQuery = Type.Object(
  {
    date: Type.String({
      pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
      description: "The day, YYYY-MM-DD, in China time (UTC+8), as WeChat Pay's bills count days",
      examples: ["2026-12-01"],
    }),
  },
  { additionalProperties: false },
);

const Fen = (description: string) => Type.Integer({ description });

export const TrialBalanceSchema = Type.Object({
  date: Type.String(),
  timezone: Type.String({ description: "`Asia/Shanghai`" }),
  from: Type.String({ description: "The day's first instant, ISO 8601 UTC" }),
  to: Type.String({ description: "The next day's first instant (excluded)" }),
  accounts: Type.Array(
    Type.Object({
      code: Type.String(),
      type: Type.String(),
      normalSide: Type.String({ enum: ["debit", "credit"] }),
      openingFen: Fen("Balance on the normal side when the day began"),
      debitsFen: Fen("Debits posted that day"),
      creditsFen: Fen("Credits posted that day"),
      closingFen: Fen("Balance on the normal side when the day ended"),
    }),
    { description: "Every account that existed by the day's end, in code order" },
  ),
  totals: Type.Object({
    debitsFen: Fen("The day's debits; equal to its credits"),
    creditsFen: Fen("The day's credits"),
    closingDebitFen: Fen("Closing balances that are debits; equal to those that are credits"),
    closingCreditFen: Fen("Closing balances that are credits"),
  }),
});

/** GET /merchant/v1/ledger/trial-balance?date=: per account, a day's opening, debits, credits and closing. */
export function registerLedgerTrialBalance(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/ledger/trial-balance",
    {
      schema: {
        summary: "A trial balance of your app's ledger for one day",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        querystring: TrialBalanceQuery,
        response: {
          200: TrialBalanceSchema,
          ...errorResponses([...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "REQUEST_INVALID"]),
        },
      },
    },
    async (request) =>
      ledgerTrialBalance(context.deps, { appId: request.merchant.appId, date: request.query.date }),
  );
}
