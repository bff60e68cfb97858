import { Type } from "typebox";
import { createOrder } from "../../app/create-order.ts";
import { KassaError } from "../../domain/errors.ts";
import type { KassaApp } from "../server.ts";
import type { MiniProgramContext } from "./context.ts";
import { ErrorSchema, OrderViewSchema } from "./schemas.ts";

/** Items and quantities only: a price sent by the client would be refused as an unknown field. */
export const OrdersCreateBody = Type.Object(
  {
    items: Type.Array(
      Type.Object(
        {
          productId: Type.String({ pattern: "^prd_[0-9A-Za-z_]{1,40}$" }),
          quantity: Type.Integer({ minimum: 1, maximum: 99 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 20 },
    ),
  },
  { additionalProperties: false },
);

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/** POST /v1/orders: Kassa computes the amount and holds the stock (product.md step 2). */
export function registerOrdersCreate(app: KassaApp, context: MiniProgramContext): void {
  app.post(
    "/v1/orders",
    {
      schema: {
        summary: "Create an order; send Idempotency-Key to make retries safe",
        body: OrdersCreateBody,
        response: { 200: OrderViewSchema, 201: OrderViewSchema, "4xx": ErrorSchema, "5xx": ErrorSchema },
      },
    },
    async (request, reply) => {
      const key = request.headers["idempotency-key"];
      if (key !== undefined && (typeof key !== "string" || !IDEMPOTENCY_KEY.test(key))) {
        throw new KassaError("IDEMPOTENCY_KEY_INVALID");
      }
      const result = await createOrder(context.deps, {
        userId: request.userId,
        lines: request.body.items,
        idempotencyKey: key,
      });
      if (result.replayed) reply.header("idempotent-replayed", "true");
      return reply.status(201).send(result.order);
    },
  );
}
