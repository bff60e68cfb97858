import { getOrder } from "../../app/read-orders.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { ErrorSchema, OrderIdParams, OrderViewSchema } from "./schemas.ts";

/** GET /v1/orders/:id: the caller's own order; another user's id answers 404 (BOLA). */
export function registerOrdersGet(app: KassaApp, context: MiniProgramContext): void {
  app.get(
    "/v1/orders/:id",
    {
      schema: {
        summary: "Read one of your orders",
        params: OrderIdParams,
        response: { 200: OrderViewSchema, "4xx": ErrorSchema },
      },
    },
    async (request) => getOrder(context.deps, { userId: request.userId, orderId: request.params.id }),
  );
}
