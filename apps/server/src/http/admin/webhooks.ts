import { Type } from "typebox";
import { audit } from "../../app/admin/audit.ts";
import { getDelivery, listDeliveries, replayDelivery } from "../../app/webhooks/deliveries.ts";
import { listEndpoints } from "../../app/webhooks/endpoints.ts";
import { inTransaction } from "../../db/transaction.ts";
import { limitAsNumber } from "../merchant/schemas.ts";
import { WebhookDeliveriesListQuery } from "../merchant/webhook-deliveries.list.ts";
import {
  AttemptViewSchema,
  DeliveryIdParams,
  DeliveryViewSchema,
  EndpointIdParams,
  EndpointViewSchema,
} from "../merchant/webhook-schemas.ts";
import { ANY_REQUEST, BODY_REFUSED, errorResponses, JSON_BODY } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { AdminContext } from "./context.ts";
import { appOfRequest } from "./plugin.ts";
import { ADMIN_CHANGE, ADMIN_SESSION, AppOnlyQuery, AppQuery } from "./schemas.ts";

const READ_ERRORS = [...ANY_REQUEST, ...ADMIN_SESSION, "APP_NOT_FOUND", "REQUEST_INVALID"] as const;
const deliveriesQuery = WebhookDeliveriesListQuery.properties;

/**
 * An app's webhook endpoints, their deliveries with each attempt, and replay (admin): the
 * merchant API's webhook reads and replay (app/webhooks/deliveries.ts), by an operator.
 * The replay is registered in the admin API's takesNoBody scope (registerAdminWebhookReplay).
 */
export function registerAdminWebhooks(app: KassaApp, context: AdminContext): void {
  app.get(
    "/admin/v1/webhook-endpoints",
    {
      config: { permission: "webhooks.read" },
      schema: {
        summary: "List an app's webhook endpoints",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        querystring: AppOnlyQuery,
        response: {
          200: Type.Object({ data: Type.Array(EndpointViewSchema) }),
          ...errorResponses([...READ_ERRORS]),
        },
      },
    },
    async (request) =>
      listEndpoints(context.deps, appOfRequest(context, request.operator, request.query.app)),
  );
  app.get(
    "/admin/v1/webhook-endpoints/:endpointId/deliveries",
    {
      config: { permission: "webhooks.read" },
      schema: {
        summary: "List a webhook endpoint's deliveries, newest first",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: EndpointIdParams,
        querystring: Type.Object(
          {
            app: AppQuery,
            status: deliveriesQuery.status,
            cursor: deliveriesQuery.cursor,
            limit: deliveriesQuery.limit,
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            data: Type.Array(DeliveryViewSchema),
            hasMore: Type.Boolean(),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          ...errorResponses([...READ_ERRORS, "WEBHOOK_ENDPOINT_NOT_FOUND"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listDeliveries(context.deps, {
        appId: appOfRequest(context, request.operator, request.query.app),
        endpointId: request.params.endpointId,
        status: request.query.status,
        cursor: request.query.cursor,
        limit: request.query.limit ?? 20,
      }),
  );
  app.get(
    "/admin/v1/webhook-endpoints/:endpointId/deliveries/:deliveryId",
    {
      config: { permission: "webhooks.read" },
      schema: {
        summary: "Read a webhook delivery and its attempts",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: DeliveryIdParams,
        querystring: AppOnlyQuery,
        response: {
          200: Type.Object({ ...DeliveryViewSchema.properties, attempts: Type.Array(AttemptViewSchema) }),
          ...errorResponses([...READ_ERRORS, "WEBHOOK_ENDPOINT_NOT_FOUND", "WEBHOOK_DELIVERY_NOT_FOUND"]),
        },
      },
    },
    async (request) =>
      getDelivery(context.deps, {
        appId: appOfRequest(context, request.operator, request.query.app),
        endpointId: request.params.endpointId,
        deliveryId: request.params.deliveryId,
      }),
  );
}

/** POST …/deliveries/:deliveryId/replay (no body): send it again now, audited. */
export function registerAdminWebhookReplay(app: KassaApp, context: AdminContext): void {
  app.post(
    "/admin/v1/webhook-endpoints/:endpointId/deliveries/:deliveryId/replay",
    {
      config: { permission: "webhooks.replay" },
      schema: {
        summary: "Send one webhook delivery again",
        description:
          "Takes no body. Sent now, with the same `webhook-id`, and retried on the whole schedule again if it fails; also a delivery that succeeded.",
        tags: ["admin"],
        security: [{ adminSession: [] }],
        params: DeliveryIdParams,
        querystring: AppOnlyQuery,
        response: {
          200: { ...DeliveryViewSchema, description: "The delivery, pending again" },
          ...errorResponses(
            [
              ...ANY_REQUEST,
              ...JSON_BODY,
              ...ADMIN_CHANGE,
              "APP_NOT_FOUND",
              "WEBHOOK_ENDPOINT_NOT_FOUND",
              "WEBHOOK_DELIVERY_NOT_FOUND",
              "WEBHOOK_ENDPOINT_DISABLED",
            ],
            BODY_REFUSED,
          ),
        },
      },
    },
    async (request) => {
      const deps = context.deps;
      const appId = appOfRequest(context, request.operator, request.query.app);
      const { endpointId, deliveryId } = request.params;
      return inTransaction(deps.db, async (trx) => {
        const delivery = await replayDelivery(deps, trx, { appId, endpointId, deliveryId });
        await audit(
          { ...deps, db: trx },
          { operator: request.operator, address: request.ip },
          { action: "webhook.replay", objectType: "webhook_delivery", objectId: deliveryId, appId },
        );
        return delivery;
      });
    },
  );
}
