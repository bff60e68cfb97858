import { confirmOrder } from "../../app/confirm-order.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { ErrorSchema, OrderIdParams, OrderViewSchema } from "./schemas.ts";

/** POST /v1/orders/:id/confirm: a hint that wx.requestPayment finished; answers the real state. */
export function registerOrdersConfirm(app: KassaApp, context: MiniProgramContext): void {
  app.post(
    "/v1/orders/:id/confirm",
    {
      schema: {
        summary: "Tell Kassa the payment UI finished; get the order's real state",
        params: OrderIdParams,
        response: { 200: OrderViewSchema, "4xx": ErrorSchema, "5xx": ErrorSchema },
      },
    },
    async (request) => confirmOrder(context.deps, { userId: request.userId, orderId: request.params.id }),
  );
}
