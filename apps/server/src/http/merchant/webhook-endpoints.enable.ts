import { switchEndpoint } from "../../app/webhooks/endpoints.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { registerEndpointAction } from "./webhook-endpoint-action.ts";
import { EndpointViewSchema } from "./webhook-schemas.ts";

/** POST /merchant/v1/webhook-endpoints/:endpointId/enable (no body). */
export function registerWebhookEndpointsEnable(app: KassaApp, context: MerchantContext): void {
  registerEndpointAction(app, context, {
    path: "/merchant/v1/webhook-endpoints/:endpointId/enable",
    summary: "Turn a webhook endpoint on",
    description:
      "Events from now on are delivered, and its failure clock starts again. Deliveries cancelled while it was off are not resent: replay them (POST .../replay). Takes no body.",
    answer: { ...EndpointViewSchema, description: "The endpoint as it is now" },
    errors: [],
    work: (trx, input) => switchEndpoint(context.deps, trx, { ...input, enabled: true }),
  });
}
