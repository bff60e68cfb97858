import { Type } from "typebox";
import { listOrders } from "../../app/read-orders.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { ORDER_PAGE_EXAMPLE } from "./examples.ts";
import { ANY_REQUEST, errorResponses, SESSION } from "./route-errors.ts";
import { documented, OrderViewSchema } from "./schemas.ts";

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export const OrdersListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_PAGE_SIZE,
        default: DEFAULT_PAGE_SIZE,
        description: `Orders per page, 1-${MAX_PAGE_SIZE}`,
      }),
    ),
    cursor: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 128,
        description: "The `nextCursor` of the previous page, unchanged; none for the first page",
      }),
    ),
  },
  { additionalProperties: false },
);

export const OrderPageSchema = Type.Object({
  data: Type.Array(OrderViewSchema, { description: "Newest first" }),
  nextCursor: Type.Union([Type.String(), Type.Null()], {
    description: "Send it as `cursor` for the next page; null on the last page",
  }),
});

/** A query string is text; `limit` is a number. Only plain digits become one, so `limit=1e2` is refused. */
const DIGITS = /^[0-9]{1,6}$/;

/** GET /v1/orders: the caller's own orders, newest first, a page at a time. */
export function registerOrdersList(app: KassaApp, context: MiniProgramContext): void {
  app.get(
    "/v1/orders",
    {
      schema: {
        summary: "List your orders, newest first",
        description:
          "Only the caller's own orders. Pages are cut on (createdAt, id), so orders created while you page through neither repeat nor shift the pages after the first.",
        tags: ["orders"],
        querystring: OrdersListQuery,
        response: {
          200: documented(OrderPageSchema, "A page of your orders", {
            "a page with more after it": ORDER_PAGE_EXAMPLE,
          }),
          ...errorResponses([...ANY_REQUEST, ...SESSION, "REQUEST_INVALID"], {
            REQUEST_INVALID: { issues: [{ field: "querystring/limit", issue: "must be <= 100" }] },
          }),
        },
      },
      preValidation: async (request) => {
        const query = request.query as Record<string, unknown>;
        if (typeof query.limit === "string" && DIGITS.test(query.limit)) query.limit = Number(query.limit);
      },
    },
    async (request) =>
      listOrders(context.deps, {
        userId: request.userId,
        limit: request.query.limit ?? DEFAULT_PAGE_SIZE,
        cursor: request.query.cursor,
      }),
  );
}
