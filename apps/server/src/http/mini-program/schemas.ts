import { Type } from "typebox";

/** Shared pieces of the mini program API's schemas. */
export const OrderIdParams = Type.Object({ id: Type.String({ pattern: "^ord_[0-9a-z]{10,40}$" }) });

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
