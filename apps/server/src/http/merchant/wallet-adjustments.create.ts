import { Type } from "typebox";
import { idempotentWrite } from "../../app/merchant/idempotent-write.ts";
import { adjustWallet } from "../../app/merchant/wallet.ts";
import { MAX_TOP_UP_FEN } from "../../domain/wallet.ts";
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
import { AdjustmentSchema } from "./wallet-schemas.ts";

export const AdjustmentsCreateBody = Type.Object(
  {
    userId: Type.String({ pattern: "^usr_[0-9a-z]{1,60}$", description: "The payer (`usr_…`)" }),
    amountFen: Type.Integer({
      minimum: -MAX_TOP_UP_FEN,
      maximum: MAX_TOP_UP_FEN,
      not: { const: 0 },
      description: "Positive credits the wallet, negative debits it; never 0",
    }),
    reason: Type.String({
      minLength: 1,
      maxLength: 500,
      pattern: "^\\P{C}+$",
      description: "Why, for whoever reads the books later: 1-500 characters",
    }),
  },
  {
    additionalProperties: false,
    examples: [
      { userId: "usr_q8x2m4k9c7v3z6b1n5p0d2f7gh", amountFen: 500, reason: "goodwill: late delivery" },
    ],
  },
);

/** POST /merchant/v1/wallet/adjustments: a manual credit or debit, booked `wallet_adjusted`. */
export function registerWalletAdjustmentsCreate(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/wallet/adjustments",
    {
      schema: {
        summary: "Credit or debit a payer's wallet by hand, with a reason",
        description:
          "Booked in the ledger (Dr adjustments / Cr wallet for a credit; reversed for a debit) in the same transaction. A debit larger than the balance is refused (WALLET_INSUFFICIENT_FUNDS) and nothing changes. Send an Idempotency-Key: a retry then never adjusts twice.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        headers: IdempotencyHeaders,
        body: AdjustmentsCreateBody,
        response: {
          201: { ...AdjustmentSchema, description: "The adjustment, booked", headers: REPLAYED_HEADER },
          ...errorResponses([
            ...ANY_REQUEST,
            ...JSON_BODY,
            ...MERCHANT_WRITE,
            "WALLET_USER_NOT_FOUND",
            "WALLET_INSUFFICIENT_FUNDS",
          ]),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 201,
        body: await adjustWallet(context.deps, trx, { appId: request.merchant.appId, ...request.body }),
      }));
      return sendWrite(reply, answer);
    },
  );
}
