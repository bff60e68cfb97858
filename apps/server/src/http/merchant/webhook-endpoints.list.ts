import { Type } from "typebox";
import { listEndpoints } from "../../app/webhooks/endpoints.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { EndpointViewSchema } from "./webhook-schemas.ts";

/** GET /merchant/v1/webhook-endpoints: all of the app's endpoints (at most 16, so no pages). */
export function registerWebhookEndpointsList(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/webhook-endpoints",
    {
      schema: {
        summary: "List your app's webhook endpoints",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        response: {
          200: Type.Object({
            data: Type.Array(EndpointViewSchema, { description: "Oldest first, never a secret" }),
          }),
          ...errorResponses([...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE"]),
        },
      },
    },
    async (request) => listEndpoints(context.deps, request.merchant.appId),
  );
}
