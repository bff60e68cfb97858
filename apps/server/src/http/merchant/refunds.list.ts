import { Type } from "typebox";
import { listOrderRefunds } from "../../app/merchant/refunds.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { RefundViewSchema } from "./refund-schemas.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { OrderIdParams } from "./schemas.ts";

export const OrderRefundsResponse = Type.Object({
  data: Type.Array(RefundViewSchema, {
    description: "Every refund of the order, oldest first (at most 50, §5.4)",
  }),
});

/** GET /merchant/v1/orders/:orderId/refunds */
export function registerRefundsList(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/orders/:orderId/refunds",
    {
      schema: {
        summary: "List an order's refunds",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: OrderIdParams,
        response: {
          200: OrderRefundsResponse,
          ...errorResponses([...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "ORDER_NOT_FOUND"]),
        },
      },
    },
    async (request) =>
      listOrderRefunds(context.deps, { appId: request.merchant.appId, orderId: request.params.orderId }),
  );
}
