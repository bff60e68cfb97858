import { Type } from "typebox";
import { listLedgerEntries } from "../../app/merchant/ledger.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { limitAsNumber, PageLimit } from "./schemas.ts";

export const LedgerEntriesQuery = Type.Object(
  {
    limit: PageLimit,
    after: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          "The `nextCursor` of the last call, unchanged: only entries after it; none to start at the first",
      }),
    ),
    orderId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: "Only this order's entries" }),
    ),
  },
  { additionalProperties: false },
);

export const LedgerEntrySchema = Type.Object({
  seq: Type.Integer({ description: "1, 2, 3, ... in your app, with no gaps" }),
  causeType: Type.String({
    description: "`payment_captured`, `refund_succeeded`, `wallet_payment`, `wallet_adjustment`",
  }),
  causeId: Type.String({ description: "The payment, refund or adjustment: one entry per cause, ever" }),
  orderId: Type.Union([Type.String(), Type.Null()]),
  description: Type.String(),
  postedAt: Type.String({ description: "ISO 8601, UTC" }),
  prevHash: Type.String({ description: "The previous entry's `hash` (64 zeros for the first)" }),
  hash: Type.String({
    description: "sha256 over this entry and its postings, with prevHash (docs/ledger.md)",
  }),
  postings: Type.Array(
    Type.Object({
      account: Type.String(),
      amountFen: Type.Integer({ description: "Debit positive, credit negative; the postings sum to 0" }),
      side: Type.String({ enum: ["debit", "credit"] }),
    }),
  ),
});

export const LedgerEntryPageSchema = Type.Object({
  data: Type.Array(LedgerEntrySchema, { description: "Oldest first (chain order)" }),
  hasMore: Type.Boolean({ description: "More entries are waiting: ask again at once" }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: "Send it as `after` next time (also when `data` is empty); null only before the first entry",
  }),
});

/** GET /merchant/v1/ledger/entries: the app's journal, with each entry's postings. */
export function registerLedgerEntriesList(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/ledger/entries",
    {
      schema: {
        summary: "Read your app's journal: entries with their postings, oldest first",
        description: "Entries are never changed or removed; a correction is a new entry. Poll with `after`.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        querystring: LedgerEntriesQuery,
        response: {
          200: LedgerEntryPageSchema,
          ...errorResponses([...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "REQUEST_INVALID"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listLedgerEntries(context.deps, {
        appId: request.merchant.appId,
        limit: request.query.limit ?? 20,
        after: request.query.after,
        orderId: request.query.orderId,
      }),
  );
}
