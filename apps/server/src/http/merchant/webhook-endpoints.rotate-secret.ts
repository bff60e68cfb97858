import { rotateEndpointSecret } from "../../app/webhooks/endpoints.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { registerEndpointAction } from "./webhook-endpoint-action.ts";
import { EndpointWithSecretSchema } from "./webhook-schemas.ts";

/** POST /merchant/v1/webhook-endpoints/:endpointId/rotate-secret (no body). */
export function registerWebhookEndpointsRotateSecret(app: KassaApp, context: MerchantContext): void {
  registerEndpointAction(app, context, {
    path: "/merchant/v1/webhook-endpoints/:endpointId/rotate-secret",
    summary: "Give a webhook endpoint a new signing secret",
    description:
      "The new secret is in the answer, once. For 24 hours every request carries two signatures, the new secret's and the previous one's, so the receiver can switch without losing a delivery. Rotating again ends the older secret at once: the way to retire a leaked one. Takes no body.",
    answer: { ...EndpointWithSecretSchema, description: "The endpoint, with its new secret (shown once)" },
    errors: ["WEBHOOK_MASTER_KEY_MISSING"],
    work: (trx, input) => rotateEndpointSecret(context.deps, trx, input),
    secretInAnswer: true,
  });
}
