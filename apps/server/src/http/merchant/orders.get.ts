import { getAppOrder } from "../../app/merchant/orders.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { MerchantOrderDetailSchema, OrderIdParams } from "./schemas.ts";

/** GET /merchant/v1/orders/:orderId: the order, every payment attempt, and its timeline. */
export function registerMerchantOrdersGet(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/orders/:orderId",
    {
      schema: {
        summary: "Read one order, with its payments and timeline",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: OrderIdParams,
        response: {
          200: MerchantOrderDetailSchema,
          ...errorResponses([...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "ORDER_NOT_FOUND"]),
        },
      },
    },
    async (request) =>
      getAppOrder(context.deps, { appId: request.merchant.appId, orderId: request.params.orderId }),
  );
}
