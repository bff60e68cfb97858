import { Type } from "typebox";
import { createOrder } from "../../app/create-order.ts";
import { recordRiskSignal } from "../../app/risk/risk-monitor.ts";
import { ERROR_CODES, KassaError } from "../../domain/errors.ts";
import { MAX_QUANTITY_PER_PRODUCT } from "../../domain/pricing.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { ORDER_CREATE_EXAMPLE, PENDING_ORDER_EXAMPLE } from "./examples.ts";
import { ANY_REQUEST, errorResponses, JSON_BODY, SESSION } from "./route-errors.ts";
import { documented, OrderViewSchema } from "./schemas.ts";

export const MAX_LINES = 20;

/**
 * Items and quantities only: a price sent by the client would be refused as an unknown field.
 * A product id is any short text without control or format characters: whether it names a
 * product is the catalog's to say (PRODUCT_NOT_FOUND, with the id), not a pattern's.
 */
export const OrdersCreateBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          productId: Type.String({
            minLength: 1,
            maxLength: 64,
            pattern: "^\\P{C}+$",
            description: "An `id` from GET /v1/catalog",
          }),
          quantity: Type.Integer({
            minimum: 1,
            maximum: MAX_QUANTITY_PER_PRODUCT,
            description: `1-${MAX_QUANTITY_PER_PRODUCT}; lines of one product are added up, and the sum may not pass ${MAX_QUANTITY_PER_PRODUCT} either`,
          }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: MAX_LINES },
    ),
  },
  { additionalProperties: false, examples: [ORDER_CREATE_EXAMPLE] },
);

export const OrdersCreateHeaders = Type.Object({
  "idempotency-key": Type.Optional(
    Type.String({
      pattern: "^[\\x21-\\x7e]{1,255}$",
      description:
        "Optional; 1-255 printable ASCII characters, no spaces. The same key with the same body answers the same order (with `Idempotent-Replayed: true`) instead of making a second one",
      examples: ["7b0e3c52-order-1"],
    }),
  ),
});

/** The header has its own code (docs/errors.md), not the schema's generic one. */
export const idempotencyHeaderErrorFormatter = (_errors: unknown, part: string) =>
  part === "headers" ? new KassaError("IDEMPOTENCY_KEY_INVALID") : new Error(ERROR_CODES.REQUEST_INVALID);

/** POST /v1/orders: Kassa computes the amount and holds the stock (product.md step 2). */
export function registerOrdersCreate(app: KassaApp, context: MiniProgramContext): void {
  const { maxOpenOrdersPerUser, maxHeldUnitsPerUser } = context.deps.settings;
  app.post(
    "/v1/orders",
    {
      schema: {
        summary: "Create an order; send Idempotency-Key to make retries safe",
        description: `At most ${MAX_LINES} lines of 1-${MAX_QUANTITY_PER_PRODUCT} units, and at most ${MAX_QUANTITY_PER_PRODUCT} units of one product once its lines are added up. On this Kassa a user may hold at most ${maxOpenOrdersPerUser} unpaid orders and ${maxHeldUnitsPerUser} units in them at once (KASSA_MAX_OPEN_ORDERS_PER_USER and KASSA_MAX_HELD_UNITS_PER_USER, 5 and 200 by default); past either, ORDER_LIMIT_REACHED.`,
        tags: ["orders"],
        headers: OrdersCreateHeaders,
        body: OrdersCreateBody,
        response: {
          201: {
            ...documented(
              OrderViewSchema,
              "The order, PENDING, priced by Kassa; or, for a replayed Idempotency-Key, the order it made first",
              { created: PENDING_ORDER_EXAMPLE },
            ),
            headers: {
              "idempotent-replayed": Type.String({
                enum: ["true"],
                description:
                  "Only on a replay: this is the order the first request with this Idempotency-Key made",
              }),
            },
          },
          ...errorResponses([
            ...ANY_REQUEST,
            ...JSON_BODY,
            ...SESSION,
            "IDEMPOTENCY_KEY_INVALID",
            "IDEMPOTENCY_KEY_REUSED",
            "IDEMPOTENCY_KEY_IN_PROGRESS",
            "PRODUCT_NOT_FOUND",
            "PRODUCT_OUT_OF_STOCK",
            "ORDER_QUANTITY_TOO_LARGE",
            "ORDER_AMOUNT_TOO_LARGE",
            "ORDER_LIMIT_REACHED",
          ]),
        },
      },
      schemaErrorFormatter: idempotencyHeaderErrorFormatter,
    },
    async (request, reply) => {
      const result = await createOrder(context.deps, {
        appId: request.appId,
        userId: request.userId,
        lines: request.body.items,
        idempotencyKey: request.headers["idempotency-key"],
      });
      if (result.replayed) reply.header("idempotent-replayed", "true");
      else await recordRiskSignal(context.deps, "order_created", { appId: request.appId });
      return reply.status(201).send(result.order);
    },
  );
}
