import { Type } from "typebox";
import { idempotentWrite } from "../../app/merchant/idempotent-write.ts";
import { MAX_EVENTS_PER_REPLAY, replayEndpointSince } from "../../app/webhooks/deliveries.ts";
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
import { EndpointIdParams } from "./webhook-schemas.ts";

export const WebhookEndpointsReplayBody = Type.Object(
  {
    since: Type.String({ format: "date-time", description: "Events from this time on (ISO 8601)" }),
    until: Type.Optional(
      Type.String({ format: "date-time", description: "Events before this time; now by default" }),
    ),
  },
  { additionalProperties: false, examples: [{ since: "2026-12-01T00:00:00Z" }] },
);

/** POST /merchant/v1/webhook-endpoints/:endpointId/replay */
export function registerWebhookEndpointsReplay(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/webhook-endpoints/:endpointId/replay",
    {
      schema: {
        summary: "Send a webhook endpoint every event of a time range again",
        description: `Every event of the app from \`since\` to \`until\` that the endpoint takes is sent again (or for the first time, to an endpoint made later), each with its own \`webhook-id\`, on the whole retry schedule. At most ${MAX_EVENTS_PER_REPLAY} events per call: when \`nextSince\` is not null, call again with it as \`since\`.`,
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: EndpointIdParams,
        headers: IdempotencyHeaders,
        body: WebhookEndpointsReplayBody,
        response: {
          200: Type.Object(
            {
              queued: Type.Integer({ description: "Deliveries queued by this call" }),
              since: Type.String({ format: "date-time" }),
              until: Type.String({ format: "date-time" }),
              nextSince: Type.Union([Type.String({ format: "date-time" }), Type.Null()], {
                description: "More events remain: call again with this as `since`",
              }),
            },
            { description: "What was queued", headers: REPLAYED_HEADER },
          ),
          ...errorResponses([
            ...ANY_REQUEST,
            ...JSON_BODY,
            ...MERCHANT_WRITE,
            "WEBHOOK_ENDPOINT_NOT_FOUND",
            "WEBHOOK_ENDPOINT_DISABLED",
          ]),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const body = request.body;
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 200,
        body: await replayEndpointSince(context.deps, trx, {
          appId: request.merchant.appId,
          endpointId: request.params.endpointId,
          since: Date.parse(body.since),
          until: body.until === undefined ? undefined : Date.parse(body.until),
        }),
      }));
      return sendWrite(reply, answer);
    },
  );
}
