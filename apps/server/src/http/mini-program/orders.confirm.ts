import { confirmOrder } from "../../app/confirm-order.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { PAID_ORDER_EXAMPLE, PENDING_ORDER_EXAMPLE } from "./examples.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY, SESSION } from "./route-errors.ts";
import { documented, OrderIdParams, OrderViewSchema } from "./schemas.ts";

/** POST /v1/orders/:id/confirm: a hint that wx.requestPayment finished; answers the real state. */
export function registerOrdersConfirm(app: KassaApp, context: MiniProgramContext): void {
  app.post(
    "/v1/orders/:id/confirm",
    {
      schema: {
        summary: "Tell Kassa the payment UI finished; get the order's real state",
        description:
          "Call it after wx.requestPayment returns, whatever it said. Kassa asks WeChat Pay when it has not been told, waits up to 3 s, and answers the real state. Takes no body.",
        tags: ["orders"],
        params: OrderIdParams,
        response: {
          200: documented(OrderViewSchema, "The order's real state", {
            paid: PAID_ORDER_EXAMPLE,
            "not paid (yet)": PENDING_ORDER_EXAMPLE,
          }),
          ...errorResponses([...ANY_REQUEST, ...JSON_BODY, ...SESSION, "ORDER_NOT_FOUND"], BODY_REFUSED),
        },
      },
    },
    async (request) => confirmOrder(context.deps, { userId: request.userId, orderId: request.params.id }),
  );
}
