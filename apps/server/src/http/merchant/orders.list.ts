import { Type } from "typebox";
import { listAppOrders } from "../../app/merchant/orders.ts";
import { KassaError } from "../../domain/errors.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { limitAsNumber, MerchantOrderSchema, PageCursor, PageLimit } from "./schemas.ts";

const Time = (description: string) =>
  Type.Optional(Type.String({ format: "date-time", description: `${description}; ISO 8601 with a zone` }));

export const MerchantOrdersListQuery = Type.Object(
  {
    limit: PageLimit,
    cursor: PageCursor,
    status: Type.Optional(
      Type.Union([
        Type.Literal("PENDING"),
        Type.Literal("CLOSING"),
        Type.Literal("CLOSED"),
        Type.Literal("PAID"),
      ]),
    ),
    userId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: "Only this payer's (`usr_…`)" }),
    ),
    createdFrom: Time("Orders created at or after this time"),
    createdTo: Time("Orders created before this time"),
  },
  { additionalProperties: false },
);

export const MerchantOrderPageSchema = Type.Object({
  data: Type.Array(MerchantOrderSchema, { description: "Newest first" }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: "Send it as `cursor`, with the same filters, for the next page; null on the last page",
  }),
});

/** GET /merchant/v1/orders: the app's orders, newest first, filtered. */
export function registerMerchantOrdersList(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/orders",
    {
      schema: {
        summary: "List your app's orders, newest first",
        description:
          "Filters combine. Pages are cut on (createdAt, id): orders made while paging shift nothing.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        querystring: MerchantOrdersListQuery,
        response: {
          200: MerchantOrderPageSchema,
          ...errorResponses([...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "REQUEST_INVALID"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) => {
      const query = request.query;
      return listAppOrders(context.deps, {
        appId: request.merchant.appId,
        limit: query.limit ?? 20,
        cursor: query.cursor,
        status: query.status,
        userId: query.userId,
        createdFrom: timeOf(query.createdFrom, "createdFrom"),
        createdTo: timeOf(query.createdTo, "createdTo"),
      });
    },
  );
}

export function timeOf(value: string | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw new KassaError("REQUEST_INVALID", {
      issues: [{ field: `querystring/${field}`, issue: "an ISO 8601 time, such as 2026-12-01T00:00:00Z" }],
    });
  return ms;
}
