import { Type } from "typebox";
import { getDelivery } from "../../app/webhooks/deliveries.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { AttemptViewSchema, DeliveryIdParams, DeliveryViewSchema } from "./webhook-schemas.ts";

/** GET /merchant/v1/webhook-endpoints/:endpointId/deliveries/:deliveryId: with its attempts. */
export function registerWebhookDeliveriesGet(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/webhook-endpoints/:endpointId/deliveries/:deliveryId",
    {
      schema: {
        summary: "Read a webhook delivery and its attempts",
        description:
          "Each attempt: when, to which URL, how long, the status code, the answer's first KiB, the error.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: DeliveryIdParams,
        response: {
          200: Type.Object({
            ...DeliveryViewSchema.properties,
            attempts: Type.Array(AttemptViewSchema, { description: "Newest first, the last 50" }),
          }),
          ...errorResponses([
            ...ANY_REQUEST,
            ...MERCHANT_KEY,
            "MERCHANT_KEY_SCOPE",
            "WEBHOOK_ENDPOINT_NOT_FOUND",
            "WEBHOOK_DELIVERY_NOT_FOUND",
          ]),
        },
      },
    },
    async (request) =>
      getDelivery(context.deps, {
        appId: request.merchant.appId,
        endpointId: request.params.endpointId,
        deliveryId: request.params.deliveryId,
      }),
  );
}
