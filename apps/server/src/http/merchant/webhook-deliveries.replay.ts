import { replayDelivery } from "../../app/webhooks/deliveries.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { registerEndpointAction } from "./webhook-endpoint-action.ts";
import { DeliveryViewSchema } from "./webhook-schemas.ts";

/** POST /merchant/v1/webhook-endpoints/:endpointId/deliveries/:deliveryId/replay (no body). */
export function registerWebhookDeliveriesReplay(app: KassaApp, context: MerchantContext): void {
  registerEndpointAction(app, context, {
    path: "/merchant/v1/webhook-endpoints/:endpointId/deliveries/:deliveryId/replay",
    summary: "Send one webhook delivery again",
    description:
      "Sent now, with the same `webhook-id`, and retried on the whole schedule again if it fails; also a delivery that succeeded. Takes no body.",
    answer: { ...DeliveryViewSchema, description: "The delivery, pending again" },
    errors: ["WEBHOOK_DELIVERY_NOT_FOUND", "WEBHOOK_ENDPOINT_DISABLED"],
    work: (trx, input) => replayDelivery(context.deps, trx, { ...input, deliveryId: input.deliveryId ?? "" }),
  });
}
