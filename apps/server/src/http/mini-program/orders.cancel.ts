import { cancelOrder } from "../../app/cancel-order.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { ErrorSchema, OrderIdParams, OrderViewSchema } from "./schemas.ts";

/** POST /v1/orders/:id/cancel: close at WeChat Pay first, then here. */
export function registerOrdersCancel(app: KassaApp, context: MiniProgramContext): void {
  app.post(
    "/v1/orders/:id/cancel",
    {
      schema: {
        summary: "Cancel an unpaid order",
        params: OrderIdParams,
        response: { 200: OrderViewSchema, "4xx": ErrorSchema, "5xx": ErrorSchema },
      },
    },
    async (request) => cancelOrder(context.deps, { userId: request.userId, orderId: request.params.id }),
  );
}
