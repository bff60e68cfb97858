import { Type } from "typebox";
import { closeOrderByOperator, syncOrderByOperator } from "../../app/admin/order-actions.ts";
import { ORDER_STATUSES } from "../../domain/order.ts";
import { OrderIdParams } from "../merchant/schemas.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { orderOfOperator } from "./plugin.ts";
import { ADMIN_CHANGE } from "./schemas.ts";

const OrderStatusSchema = Type.String({
  enum: [...ORDER_STATUSES],
  description: "The order's status afterwards",
});

/**
 * POST /admin/v1/orders/:orderId/close and /sync (no body; register them in a takesNoBody
 * scope): an operator closes an unpaid order, or asks WeChat Pay again about its payment.
 */
export function registerAdminOrderActions(app: KassaApp, context: AdminContext): void {
  app.post(
    "/admin/v1/orders/:orderId/close",
    {
      config: { permission: "orders.act" },
      schema: {
        summary: "Close an unpaid order (WeChat Pay first)",
        description:
          "Takes no body. As the payer's cancel: WeChat Pay closes first, then Kassa, so a payment that went through meanwhile makes the order PAID, never CLOSED. CLOSING: WeChat Pay has not confirmed yet, Kassa retries by itself.",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: OrderIdParams,
        response: {
          200: Type.Object({ status: OrderStatusSchema }),
          ...errorResponses(
            [...ANY_REQUEST, ...JSON_BODY, ...ADMIN_CHANGE, "ORDER_NOT_FOUND", "ORDER_NOT_CLOSABLE"],
            BODY_REFUSED,
          ),
        },
      },
    },
    async (request) => {
      const order = await orderOfOperator(context, request.operator, request.params.orderId);
      return closeOrderByOperator(context.deps, { operator: request.operator, address: request.ip }, order);
    },
  );
  app.post(
    "/admin/v1/orders/:orderId/sync",
    {
      config: { permission: "orders.act" },
      schema: {
        summary: "Ask WeChat Pay again what happened to the order's payment",
        description:
          "Takes no body. A payment WeChat Pay reports paid is applied (as its notification would be); the query shows in the order's timeline. A payment from the wallet has no channel to ask (`channelState` null).",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: OrderIdParams,
        response: {
          200: Type.Object({
            status: OrderStatusSchema,
            channelState: Type.Union([Type.String(), Type.Null()], {
              description: "What WeChat Pay said: paid, unpaid, closed or not_found",
            }),
          }),
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...ADMIN_CHANGE,
              "ORDER_NOT_FOUND",
              "CHANNEL_UNAVAILABLE",
              "CHANNEL_OUTCOME_UNKNOWN",
              "CHANNEL_REJECTED",
            ],
            BODY_REFUSED,
          ),
        },
      },
    },
    async (request) => {
      const order = await orderOfOperator(context, request.operator, request.params.orderId);
      return syncOrderByOperator(context.deps, { operator: request.operator, address: request.ip }, order);
    },
  );
}
