import { Type } from "typebox";
import { idempotentWrite } from "../../app/merchant/idempotent-write.ts";
import { changeEndpoint } from "../../app/webhooks/endpoints.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import {
  IdempotencyHeaders,
  idempotencyErrorFormatter,
  REPLAYED_HEADER,
  sendWrite,
  writeOf,
} from "./idempotency.ts";
import { MERCHANT_WRITE } from "./route-errors.ts";
import {
  EndpointDescription,
  EndpointIdParams,
  EndpointUrl,
  EndpointViewSchema,
  EventTypesSchema,
  eventFilterOf,
} from "./webhook-schemas.ts";

export const WebhookEndpointsUpdateBody = Type.Object(
  {
    url: Type.Optional(EndpointUrl),
    eventTypes: Type.Optional(EventTypesSchema()),
    description: Type.Optional(EndpointDescription),
  },
  {
    additionalProperties: false,
    minProperties: 1,
    examples: [{ eventTypes: ["order.paid", "order.closed"] }],
  },
);

/** POST /merchant/v1/webhook-endpoints/:endpointId: URL, event types, description. */
export function registerWebhookEndpointsUpdate(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/webhook-endpoints/:endpointId",
    {
      schema: {
        summary: "Change a webhook endpoint",
        description:
          "Every attempt from now on goes to the new URL, also those of deliveries already waiting; a new event-type list applies to events from now on. To switch the endpoint on or off: .../enable, .../disable.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: EndpointIdParams,
        headers: IdempotencyHeaders,
        body: WebhookEndpointsUpdateBody,
        response: {
          200: { ...EndpointViewSchema, description: "The endpoint as it is now", headers: REPLAYED_HEADER },
          ...errorResponses([
            ...ANY_REQUEST,
            ...JSON_BODY,
            ...MERCHANT_WRITE,
            "WEBHOOK_ENDPOINT_NOT_FOUND",
            "WEBHOOK_URL_INVALID",
            "WEBHOOK_HOST_NOT_ALLOWED",
          ]),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const body = request.body;
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 200,
        body: await changeEndpoint(context.deps, trx, {
          appId: request.merchant.appId,
          endpointId: request.params.endpointId,
          url: body.url,
          eventTypes: body.eventTypes === undefined ? undefined : eventFilterOf(body.eventTypes),
          description: body.description,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );
}
