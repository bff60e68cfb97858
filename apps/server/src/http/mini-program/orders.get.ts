import { getOrder } from "../../app/read-orders.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { PAID_ORDER_EXAMPLE, PENDING_ORDER_EXAMPLE } from "./examples.ts";
import { ANY_REQUEST, errorResponses, SESSION } from "./route-errors.ts";
import { documented, OrderIdParams, OrderViewSchema } from "./schemas.ts";

/** GET /v1/orders/:id: the caller's own order; another user's id answers 404 (BOLA). */
export function registerOrdersGet(app: KassaApp, context: MiniProgramContext): void {
  app.get(
    "/v1/orders/:id",
    {
      schema: {
        summary: "Read one of your orders",
        description:
          "Another user's order, an unknown id and an id of any other shape all answer 404 ORDER_NOT_FOUND.",
        tags: ["orders"],
        params: OrderIdParams,
        response: {
          200: documented(OrderViewSchema, "The order as Kassa knows it now", {
            pending: PENDING_ORDER_EXAMPLE,
            paid: PAID_ORDER_EXAMPLE,
          }),
          ...errorResponses([...ANY_REQUEST, ...SESSION, "ORDER_NOT_FOUND"]),
        },
      },
    },
    async (request) => getOrder(context.deps, { userId: request.userId, orderId: request.params.id }),
  );
}
