import { Type } from "typebox";

/** Shared pieces of the mini program API's schemas. */

/**
 * `/v1/orders/:id`: any string. An id of a shape Kassa never gives is answered like an
 * unknown one, 404 ORDER_NOT_FOUND (order-id.ts), not with a pattern error that would tell
 * a prober what real ids look like.
 */
export const OrderIdParams = Type.Object({
  id: Type.String({ description: "The order's `id`, as POST /v1/orders answered it" }),
});

export const OrderViewSchema = Type.Object({
  id: Type.String(),
  status: Type.Union([
    Type.Literal("PENDING"),
    Type.Literal("CLOSING"),
    Type.Literal("CLOSED"),
    Type.Literal("PAID"),
  ]),
  amountFen: Type.Integer(),
  amountYuan: Type.String(),
  description: Type.String(),
  lines: Type.Array(
    Type.Object({
      productId: Type.String(),
      name: Type.String(),
      quantity: Type.Integer(),
      unitPriceFen: Type.Integer(),
    }),
  ),
  createdAt: Type.String(),
  expiresAt: Type.String(),
  paidAt: Type.Union([Type.String(), Type.Null()]),
  transactionId: Type.Union([Type.String(), Type.Null()]),
});

export const ErrorSchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
  requestId: Type.String(),
  details: Type.Optional(Type.Object({}, { additionalProperties: true })),
});
