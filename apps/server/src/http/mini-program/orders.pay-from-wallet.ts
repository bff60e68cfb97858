import { payFromWallet } from "../../app/pay-from-wallet.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { PAID_ORDER_EXAMPLE } from "./examples.ts";
import { refuseIfThrottled } from "./risk-guard.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY, SESSION } from "./route-errors.ts";
import { documented, OrderIdParams, OrderViewSchema } from "./schemas.ts";

export const PAID_FROM_WALLET_EXAMPLE = {
  ...PAID_ORDER_EXAMPLE,
  transactionId: "pay_m4x8k2q9c7v3z6b1n5p0d2f7gh",
};

/** POST /v1/orders/:id/pay-from-wallet: the wallet pays the order, at once, or nothing happens. */
export function registerOrdersPayFromWallet(app: KassaApp, context: MiniProgramContext): void {
  app.post(
    "/v1/orders/:id/pay-from-wallet",
    {
      schema: {
        summary: "Pay an order from your wallet's balance",
        description:
          "One step, no WeChat Pay: the order is PAID and the balance spent together, or, if the balance is too low, nothing changes (WALLET_INSUFFICIENT_FUNDS) and the order can still be paid with WeChat Pay. Only an order not yet sent to WeChat Pay (no POST .../pay made) can be paid so; a top-up never. Takes no body.",
        tags: ["orders"],
        params: OrderIdParams,
        response: {
          200: documented(OrderViewSchema, "The order, PAID from the wallet", {
            "paid from the wallet": PAID_FROM_WALLET_EXAMPLE,
          }),
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...SESSION,
              "ORDER_NOT_FOUND",
              "ORDER_NOT_PAYABLE",
              "ORDER_ALREADY_AT_CHANNEL",
              "WALLET_PAYMENT_NOT_ALLOWED",
              "WALLET_INSUFFICIENT_FUNDS",
              "RISK_THROTTLED",
            ],
            {
              ...BODY_REFUSED,
              WALLET_INSUFFICIENT_FUNDS: { account: "wallet:usr_q8x2m4k9c7v3z6b1n5p0d2f7gh" },
            },
          ),
        },
      },
    },
    async (request, reply) => {
      await refuseIfThrottled(context, request, reply);
      return payFromWallet(context.deps, { userId: request.userId, orderId: request.params.id });
    },
  );
}
