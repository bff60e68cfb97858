import { cancelOrder } from "../../app/cancel-order.ts";
import { recordRiskSignal } from "../../app/risk/risk-monitor.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { CLOSED_ORDER_EXAMPLE } from "./examples.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY, SESSION } from "./route-errors.ts";
import { documented, OrderIdParams, OrderViewSchema } from "./schemas.ts";

/** POST /v1/orders/:id/cancel: close at WeChat Pay first, then here. */
export function registerOrdersCancel(app: KassaApp, context: MiniProgramContext): void {
  app.post(
    "/v1/orders/:id/cancel",
    {
      schema: {
        summary: "Cancel an unpaid order",
        description:
          "Closes the order at WeChat Pay first, then here. Answers CLOSED, CLOSING while WeChat Pay has not confirmed the close, or PAID if the money had already moved. Takes no body.",
        tags: ["orders"],
        params: OrderIdParams,
        response: {
          200: documented(OrderViewSchema, "The order after the cancel", { closed: CLOSED_ORDER_EXAMPLE }),
          ...errorResponses(
            [...ANY_REQUEST, ...JSON_BODY, ...SESSION, "ORDER_NOT_FOUND", "ORDER_NOT_CANCELLABLE"],
            BODY_REFUSED,
          ),
        },
      },
    },
    async (request) => {
      const order = await cancelOrder(context.deps, { userId: request.userId, orderId: request.params.id });
      // A payer who gives up on a payment: what the pay-failure rules count (domain/risk.ts).
      if (order.status !== "PAID")
        await recordRiskSignal(context.deps, "pay_failed", {
          appId: request.appId,
          user: request.userId,
          address: request.ip,
        });
      return order;
    },
  );
}
