import { Type } from "typebox";
import { deleteEndpoint } from "../../app/webhooks/endpoints.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { registerEndpointAction } from "./webhook-endpoint-action.ts";

/** POST /merchant/v1/webhook-endpoints/:endpointId/delete (no body). */
export function registerWebhookEndpointsDelete(app: KassaApp, context: MerchantContext): void {
  registerEndpointAction(app, context, {
    path: "/merchant/v1/webhook-endpoints/:endpointId/delete",
    summary: "Delete a webhook endpoint",
    description:
      "It receives nothing more and its secrets are destroyed; its deliveries' history stays for the operator. Takes no body.",
    answer: Type.Object(
      { id: Type.String(), deleted: Type.Literal(true) },
      { description: "The endpoint is gone" },
    ),
    errors: [],
    work: (trx, input) => deleteEndpoint(context.deps, trx, input),
  });
}
