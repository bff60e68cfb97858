import { Type } from "typebox";
import { createOrder } from "../../app/create-order.ts";
import { ERROR_CODES, KassaError } from "../../domain/errors.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { ErrorSchema, OrderViewSchema } from "./schemas.ts";

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
          productId: Type.String({ minLength: 1, maxLength: 64, pattern: "^\\P{C}+$" }),
          quantity: Type.Integer({ minimum: 1, maximum: 99 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
  },
  { additionalProperties: false },
);

export const OrdersCreateHeaders = Type.Object({
  "idempotency-key": Type.Optional(Type.String({ pattern: "^[\\x21-\\x7e]{1,255}$" })),
});

/** POST /v1/orders: Kassa computes the amount and holds the stock (product.md step 2). */
export function registerOrdersCreate(app: KassaApp, context: MiniProgramContext): void {
  app.post(
    "/v1/orders",
    {
      schema: {
        summary: "Create an order; send Idempotency-Key to make retries safe",
        headers: OrdersCreateHeaders,
        body: OrdersCreateBody,
        response: { 200: OrderViewSchema, 201: OrderViewSchema, "4xx": ErrorSchema, "5xx": ErrorSchema },
      },
      // The header has its own code (docs/errors.md), not the schema's generic one.
      schemaErrorFormatter: (_errors, part) =>
        part === "headers"
          ? new KassaError("IDEMPOTENCY_KEY_INVALID")
          : new Error(ERROR_CODES.REQUEST_INVALID),
    },
    async (request, reply) => {
      const result = await createOrder(context.deps, {
        userId: request.userId,
        lines: request.body.items,
        idempotencyKey: request.headers["idempotency-key"],
      });
      if (result.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).send(result.order);
    },
  );
}
