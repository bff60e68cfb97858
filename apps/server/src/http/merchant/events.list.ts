import { Type } from "typebox";
import { listAppEvents } from "../../app/merchant/events.ts";
import { ANY_REQUEST, errorResponses } from "../mini-program/route-errors.ts";
import type { KassaApp } from "../server.ts";
import type { MerchantContext } from "./context.ts";
import { MERCHANT_KEY } from "./route-errors.ts";
import { EventViewSchema, limitAsNumber, PageLimit } from "./schemas.ts";

export const EventsListQuery = Type.Object(
  {
    limit: PageLimit,
    after: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description:
          "The `nextCursor` of the last call, unchanged: only events after it; none to start from the first",
      }),
    ),
  },
  { additionalProperties: false },
);

export const EventPageSchema = Type.Object({
  data: Type.Array(EventViewSchema, { description: "Oldest first" }),
  hasMore: Type.Boolean({ description: "More events are waiting: ask again at once" }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: "Send it as `after` next time (also when `data` is empty); null only before the first event",
  }),
});

/** GET /merchant/v1/events: the app's outbox events, the same ones webhooks deliver. */
export function registerEventsList(app: KassaApp, context: MerchantContext): void {
  app.get(
    "/merchant/v1/events",
    {
      schema: {
        summary: "Read your app's events (order.paid, order.closed, refunds), oldest first",
        description:
          "Poll with `after` set to the last `nextCursor`. An event id is unique: the same event read twice (a retry) has the same `id`.",
        tags: ["merchant"],
        security: [{ merchantKey: [] }],
        querystring: EventsListQuery,
        response: {
          200: EventPageSchema,
          ...errorResponses([...ANY_REQUEST, ...MERCHANT_KEY, "MERCHANT_KEY_SCOPE", "REQUEST_INVALID"]),
        },
      },
      preValidation: limitAsNumber,
    },
    async (request) =>
      listAppEvents(context.deps, {
        appId: request.merchant.appId,
        limit: request.query.limit ?? 20,
        after: request.query.after,
      }),
  );
}
