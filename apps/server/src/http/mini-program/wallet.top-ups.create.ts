import { Type } from "typebox";
import { createTopUp } from "../../app/create-top-up.ts";
import { MAX_TOP_UP_FEN } from "../../domain/wallet.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { idempotencyHeaderErrorFormatter, OrdersCreateHeaders } from "./orders.create.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY, SESSION } from "./route-errors.ts";
import { documented, OrderViewSchema } from "./schemas.ts";
import { PENDING_TOP_UP_EXAMPLE, WALLET_TIER_EXAMPLE } from "./wallet-schemas.ts";

/** A tier, or a custom amount; never a price or a bonus (the server prices it). */
export const TopUpCreateBody = Type.Union(
  [
    Type.Object(
      {
        tierId: Type.String({
          minLength: 1,
          maxLength: 64,
          description: "An `id` from GET /v1/wallet/tiers",
        }),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        amountFen: Type.Integer({
          minimum: 1,
          maximum: MAX_TOP_UP_FEN,
          description: "A custom amount in fen, within `customAmount` of GET /v1/wallet/tiers; no bonus",
        }),
      },
      { additionalProperties: false },
    ),
  ],
  { examples: [{ tierId: WALLET_TIER_EXAMPLE.id }, { amountFen: 5000 }] },
);

/** POST /v1/wallet/top-ups: a top-up order, paid like any order with POST /v1/orders/:id/pay. */
export function registerWalletTopUpsCreate(app: KassaApp, context: MiniProgramContext): void {
  app.post(
    "/v1/wallet/top-ups",
    {
      schema: {
        summary: "Create a top-up order for your wallet",
        description:
          "Priced by Kassa from the tier (amount and bonus as the merchant set them) or from the custom amount. Pay it with POST /v1/orders/{id}/pay and wx.requestPayment; once WeChat Pay has taken the money the wallet is credited amountFen + bonusFen, exactly once.",
        tags: ["wallet"],
        headers: OrdersCreateHeaders,
        body: TopUpCreateBody,
        response: {
          201: documented(OrderViewSchema, "The top-up order, PENDING", {
            "a tier with a bonus": PENDING_TOP_UP_EXAMPLE,
          }),
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...SESSION,
              "WALLET_TIER_NOT_FOUND",
              "WALLET_TOP_UP_AMOUNT_OUT_OF_BOUNDS",
              "ORDER_LIMIT_REACHED",
              "IDEMPOTENCY_KEY_INVALID",
              "IDEMPOTENCY_KEY_REUSED",
              "IDEMPOTENCY_KEY_IN_PROGRESS",
            ],
            { WALLET_TOP_UP_AMOUNT_OUT_OF_BOUNDS: { minFen: 100, maxFen: 500000 } },
          ),
        },
      },
      schemaErrorFormatter: idempotencyHeaderErrorFormatter,
    },
    async (request, reply) => {
      const result = await createTopUp(context.deps, {
        appId: request.appId,
        userId: request.userId,
        request: request.body,
        idempotencyKey: request.headers["idempotency-key"],
      });
      if (result.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).send(result.order);
    },
  );
}
