import { switchEndpoint } from "../../app/webhooks/endpoints.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { registerEndpointAction } from "./webhook-endpoint-action.ts";
import { EndpointViewSchema } from "./webhook-schemas.ts";

/** POST /merchant/v1/webhook-endpoints/:endpointId/disable (no body). */
export function registerWebhookEndpointsDisable(app: KassaApp, context: MerchantContext): void {
  registerEndpointAction(app, context, {
    path: "/merchant/v1/webhook-endpoints/:endpointId/disable",
    summary: "Turn a webhook endpoint off",
    description:
      "Nothing is sent to it; deliveries still waiting are cancelled when their time comes. Takes no body.",
    answer: { ...EndpointViewSchema, description: "The endpoint as it is now" },
    errors: [],
    work: (trx, input) => switchEndpoint(context.deps, trx, { ...input, enabled: false }),
  });
}
