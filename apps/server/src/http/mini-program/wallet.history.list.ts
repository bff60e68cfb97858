import { Type } from "typebox";
import { walletHistory } from "../../app/wallet-reads.ts";
import { limitAsNumber } from "../merchant/schemas.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { OrdersListQuery } from "./orders.list.ts";
import { ANY_REQUEST, errorResponses, SESSION } from "./route-errors.ts";
import { documented } from "./schemas.ts";

export const WalletHistoryItemSchema = Type.Object({
  cause: Type.String({
    description:
      "`payment_captured` (a top-up paid), `wallet_payment` (an order paid from the wallet), `refund_succeeded`, `wallet_adjustment` (by the merchant)",
  }),
  orderId: Type.Union([Type.String(), Type.Null()], { description: "The order, when there is one" }),
  description: Type.String(),
  amountFen: Type.Integer({ description: "Positive: credited to the wallet; negative: spent from it" }),
  amountYuan: Type.String(),
  postedAt: Type.String({ description: "ISO 8601, UTC" }),
});

export const WalletHistoryPageSchema = Type.Object({
  data: Type.Array(WalletHistoryItemSchema, { description: "Newest first" }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: "Send it as `cursor` for the next page; null on the last page",
  }),
});

const HISTORY_EXAMPLE = {
  data: [
    {
      cause: "wallet_payment",
      orderId: "ord_ahmva667x9ctc6tmg292eqgvhr",
      description: "order paid from the wallet",
      amountFen: -2400,
      amountYuan: "-24.00",
      postedAt: "2026-12-01T20:31:02.114Z",
    },
    {
      cause: "payment_captured",
      orderId: "ord_b7q2m9x4k8c3v6z1n5p0d2f7gh",
      description: "wallet top-up paid through wechatpay",
      amountFen: 11000,
      amountYuan: "110.00",
      postedAt: "2026-12-01T20:25:40.000Z",
    },
  ],
  nextCursor: null,
};

/** GET /v1/wallet/history: what moved the caller's wallet, newest first, a page at a time. */
export function registerWalletHistoryList(app: KassaApp, context: MiniProgramContext): void {
  app.get(
    "/v1/wallet/history",
    {
      schema: {
        summary: "List what moved your wallet, newest first",
        description: "Each line is one ledger entry that credited or spent your wallet.",
        tags: ["wallet"],
        querystring: OrdersListQuery,
        response: {
          200: documented(WalletHistoryPageSchema, "A page of your wallet's history", {
            "a top-up, then a payment": HISTORY_EXAMPLE,
          }),
          ...errorResponses([...ANY_REQUEST, ...SESSION, "REQUEST_INVALID"], {
            REQUEST_INVALID: { issues: [{ field: "querystring/limit", issue: "must be <= 100" }] },
          }),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      walletHistory(context.deps, {
        appId: request.appId,
        userId: request.userId,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );
}
