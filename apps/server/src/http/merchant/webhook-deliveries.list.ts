import { Type } from "typebox";
import { listDeliveries } from "../../app/webhooks/deliveries.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { limitAsNumber, PageCursor, PageLimit } from "./schemas.ts";
import { DeliveryViewSchema, EndpointIdParams } from "./webhook-schemas.ts";

export const WebhookDeliveriesListQuery = Type.Object(
  {
    status: Type.Optional(
      Type.Union(["pending", "succeeded", "failed", "cancelled"].map((status) => Type.Literal(status))),
    ),
    cursor: PageCursor,
    limit: PageLimit,
  },
  { additionalProperties: false },
);

/** GET /merchant/v1/webhook-endpoints/:endpointId/deliveries */
export function registerWebhookDeliveriesList(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/webhook-endpoints/:endpointId/deliveries",
    {
      schema: {
        summary: "List a webhook endpoint's deliveries, newest first",
        description: "One delivery per event sent to this endpoint; `status=failed` lists those to replay.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: EndpointIdParams,
        querystring: WebhookDeliveriesListQuery,
        response: {
          200: Type.Object({
            data: Type.Array(DeliveryViewSchema),
            hasMore: Type.Boolean(),
            nextCursor: Type.Union([Type.String(), Type.Null()], {
              description: "Send it as `cursor` for the next page",
            }),
          }),
          ...errorResponses([
            ...ANY_REQUEST,
            ...MERCHANT_KEY,
            "MERCHANT_KEY_SCOPE",
            "REQUEST_INVALID",
            "WEBHOOK_ENDPOINT_NOT_FOUND",
          ]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listDeliveries(context.deps, {
        appId: request.merchant.appId,
        endpointId: request.params.endpointId,
        status: request.query.status,
        cursor: request.query.cursor,
        limit: request.query.limit ?? 20,
      }),
  );
}
