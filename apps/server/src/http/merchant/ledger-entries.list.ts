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
  seq: Type.Integer({
    description:
      "The entry's number: unique in your app and increasing as entries are posted (with gaps on PostgreSQL)",
  }),
  position: Type.Union([Type.Integer(), Type.Null()], {
    description:
      "Its place in your app's hash chain: 1, 2, 3, ... with no gaps; null for the moments until it is sealed (docs/ledger.md)",
  }),
  causeType: Type.String({
    description: "`payment_captured`, `refund_succeeded`, `wallet_payment`, `wallet_adjustment`",
  }),
  causeId: Type.String({ description: "The payment, refund or adjustment: one entry per cause, ever" }),
  orderId: Type.Union([Type.String(), Type.Null()]),
  description: Type.String(),
  postedAt: Type.String({ description: "ISO 8601, UTC" }),
  prevHash: Type.Union([Type.String(), Type.Null()], {
    description: "The `hash` of the entry before it in the chain (64 zeros for the first); null until sealed",
  }),
  hash: Type.Union([Type.String(), Type.Null()], {
    description:
      "sha256 over this entry, its position and its postings, with prevHash (docs/ledger.md); null until sealed",
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
  data: Type.Array(LedgerEntrySchema, {
    description:
      "Sealed entries in chain order; with `orderId`, that order's entries still awaiting their seal follow",
  }),
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
