import { Type } from "typebox";
import { createService, getService, listServices } from "../../../app/booking/merchant-services.ts";
import { idempotentWrite } from "../../../app/merchant/idempotent-write.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY } from "../../mini-program/route-errors.ts";
import type { KassaApp } from "../../server.ts";
import type { MerchantContext } from "../context.ts";
import {
  IdempotencyHeaders,
  idempotencyErrorFormatter,
  REPLAYED_HEADER,
  sendWrite,
  writeOf,
} from "../idempotency.ts";
import { ProductName } from "../products.create.ts";
import { MERCHANT_KEY, MERCHANT_WRITE } from "../route-errors.ts";
import { limitAsNumber, PageCursor, PageLimit } from "../schemas.ts";
import { CancellationPolicySchema, pageOf, ServiceIdParams, ServiceViewSchema } from "./schemas.ts";

export const ServiceCreateBody = Type.Object(
  { name: ProductName, cancellationPolicy: CancellationPolicySchema },
  {
    additionalProperties: false,
    examples: [
      {
        name: "茶艺课 Tea ceremony class",
        cancellationPolicy: [
          { beforeStartHours: 24, refundPercent: 100 },
          { beforeStartHours: 2, refundPercent: 50 },
        ],
      },
    ],
  },
);

const READ = [...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "REQUEST_INVALID"] as const;

/** POST and GET /merchant/v1/booking-services, GET /merchant/v1/booking-services/:serviceId. */
export function registerBookingServices(app: KassaApp, context: MerchantContext): void {
  app.post(
    "/merchant/v1/booking-services",
    {
      schema: {
        summary: "Add a booking service (a class, a table, a ticket type)",
        description:
          "A service is what is sold by the time slot; its cancellation policy decides what a payer who cancels gets back.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        headers: IdempotencyHeaders,
        body: ServiceCreateBody,
        response: {
          201: { ...ServiceViewSchema, description: "The new service", headers: REPLAYED_HEADER },
          ...errorResponses([...ANY_REQUEST, ...JSON_BODY, ...MERCHANT_WRITE, "BOOKING_POLICY_INVALID"], {
            BOOKING_POLICY_INVALID: { reason: "two tiers at 24 hours" },
          }),
        },
      },
      schemaErrorFormatter: idempotencyErrorFormatter,
    },
    async (request, reply) => {
      const answer = await idempotentWrite(context.deps, writeOf(request), async (trx) => ({
        status: 201,
        body: await createService(context.deps, trx, {
          appId: request.merchant.appId,
          name: request.body.name,
          cancellationPolicy: request.body.cancellationPolicy,
        }),
      }));
      return sendWrite(reply, answer);
    },
  );

  app.get(
    "/merchant/v1/booking-services",
    {
      schema: {
        summary: "List your booking services",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        querystring: Type.Object({ limit: PageLimit, cursor: PageCursor }, { additionalProperties: false }),
        response: { 200: pageOf(ServiceViewSchema, "Oldest first"), ...errorResponses([...READ]) },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listServices(context.deps, {
        appId: request.merchant.appId,
        limit: request.query.limit ?? 20,
        cursor: request.query.cursor,
      }),
  );

  app.get(
    "/merchant/v1/booking-services/:serviceId",
    {
      schema: {
        summary: "Get a booking service",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        params: ServiceIdParams,
        response: { 200: ServiceViewSchema, ...errorResponses([...READ, "BOOKING_SERVICE_NOT_FOUND"]) },
      },
    },
    async (request) => getService(context.deps, request.merchant.appId, request.params.serviceId),
  );
}
