import { getEndpoint } from "../../app/webhooks/endpoints.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { EndpointIdParams, EndpointViewSchema } from "./webhook-schemas.ts";

/** GET /merchant/v1/webhook-endpoints/:endpointId */
export function registerWebhookEndpointsGet(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/webhook-endpoints/:endpointId",
    {
      schema: {
        summary: "Read a webhook endpoint",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: EndpointIdParams,
        response: {
          200: EndpointViewSchema,
          ...errorResponses([
            ...ANY_REQUEST,
            ...MERCHANT_KEY,
            "MERCHANT_KEY_SCOPE",
            "WEBHOOK_ENDPOINT_NOT_FOUND",
          ]),
        },
      },
    },
    async (request) => getEndpoint(context.deps, request.merchant.appId, request.params.endpointId),
  );
}
