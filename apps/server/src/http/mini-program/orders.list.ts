import { Type } from "typebox";
import { listOrders } from "../../app/read-orders.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { ErrorSchema, OrderViewSchema } from "./schemas.ts";

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
        querystring: OrdersListQuery,
        response: { 200: OrderPageSchema, "4xx": ErrorSchema, "5xx": ErrorSchema },
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
