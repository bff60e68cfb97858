import { Type } from "typebox";
import { idempotentWrite } from "../../app/merchant/idempotent-write.ts";
import { createEndpoint } from "../../app/webhooks/endpoints.ts";
import { openAnswer, sealAnswer, secretBoxOf } from "../../app/webhooks/secrets.ts";
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
  EndpointUrl,
  EndpointWithSecretSchema,
  EVENT_TYPES_DESCRIPTION,
  EventTypesSchema,
  eventFilterOf,
} from "./webhook-schemas.ts";

export const WebhookEndpointsCreateBody = Type.Object(
  {
    url: EndpointUrl,
    eventTypes: Type.Optional(EventTypesSchema(`${EVENT_TYPES_DESCRIPTION}; ["*"] when left out`)),
    description: Type.Optional(EndpointDescription),
    enabled: Type.Optional(Type.Boolean({ description: "true by default" })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        url: "https://shop.example.com/kassa/webhooks",
        eventTypes: ["order.paid"],
        description: "fulfilment",
      },
    ],
  },
);

/** POST /merchant/v1/webhook-endpoints */
export function registerWebhookEndpointsCreate(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/webhook-endpoints",
    {
      schema: {
        summary: "Add a webhook endpoint",
        description:
          "Kassa POSTs each event the endpoint takes to its URL, signed by Standard Webhooks with the `secret` in the answer, shown this once (docs/webhooks.md).",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        headers: IdempotencyHeaders,
        body: WebhookEndpointsCreateBody,
        response: {
          201: {
            ...EndpointWithSecretSchema,
            description: "The new endpoint and its secret",
            headers: REPLAYED_HEADER,
          },
          ...errorResponses([
            ...ANY_REQUEST,
            ...JSON_BODY,
            ...MERCHANT_WRITE,
            "WEBHOOK_URL_INVALID",
            "WEBHOOK_HOST_NOT_ALLOWED",
            "WEBHOOK_ENDPOINT_LIMIT",
            "WEBHOOK_MASTER_KEY_MISSING",
          ]),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const body = request.body;
      const box = secretBoxOf(context.deps.webhooks);
      // The answer shows the secret, and a replay of the same Idempotency-Key shows it again:
      // the stored answer keeps it sealed, never in clear (secrets.ts).
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 201,
        body: sealAnswer(
          box,
          await createEndpoint(context.deps, trx, {
            appId: request.merchant.appId,
            url: body.url,
            eventTypes: eventFilterOf(body.eventTypes ?? ["*"]),
            description: body.description ?? "",
            enabled: body.enabled ?? true,
          }),
        ),
      }));
      return sendWrite(reply, { ...answer, body: openAnswer(box, answer.body) });
    },
  );
}
