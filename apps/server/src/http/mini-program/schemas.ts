import { type TSchema, Type } from "typebox";
import { ORDER_ID_EXAMPLE } from "./examples.ts";

/** Shared pieces of the mini program API's schemas. */

/**
 * `/v1/orders/:id`: any string. An id of a shape Kassa never gives is answered like an
 * unknown one, 404 ORDER_NOT_FOUND (order-id.ts), not with a pattern error that would tell
 * a prober what real ids look like.
 */
export const OrderIdParams = Type.Object({
  id: Type.String({
    description: "The order's `id`, as POST /v1/orders answered it",
    examples: [ORDER_ID_EXAMPLE],
  }),
});

export const OrderViewSchema = Type.Object({
  id: Type.String({ description: "`ord_` and 26 characters" }),
  kind: Type.Union(
    [Type.Literal("purchase"), Type.Literal("top_up"), Type.Literal("booking"), Type.Literal("tip")],
    {
      description:
        "A purchase from the catalog, a top-up of your wallet (POST /v1/wallet/top-ups), seats in a time slot (POST /v1/bookings), or a tip to a recipient (POST /v1/tips)",
    },
  ),
  status: Type.Union(
    [Type.Literal("PENDING"), Type.Literal("CLOSING"), Type.Literal("CLOSED"), Type.Literal("PAID")],
    { description: "PENDING → PAID, or PENDING → CLOSING → CLOSED; PAID can follow any unpaid state" },
  ),
  amountFen: Type.Integer({ description: "The total in fen, computed by Kassa from its catalog" }),
  bonusFen: Type.Integer({
    description:
      "A top-up's bonus: the wallet is credited amountFen + bonusFen when it is paid; 0 for a purchase",
  }),
  amountYuan: Type.String({ description: "The same total in yuan, for display" }),
  description: Type.String({ description: "What the payer's WeChat bill shows" }),
  lines: Type.Array(
    Type.Object({
      productId: Type.String(),
      name: Type.String(),
      quantity: Type.Integer(),
      unitPriceFen: Type.Integer(),
    }),
    { description: "One line per product; lines of the same product are merged; none for a top-up" },
  ),
  createdAt: Type.String({ description: "ISO 8601, UTC" }),
  expiresAt: Type.String({ description: "An unpaid order closes then and gives its stock back" }),
  channel: Type.Optional(
    Type.Union([Type.Literal("wechatpay"), Type.Literal("alipay"), Type.Literal("wallet")], {
      description:
        "What pays the order: `wechatpay` or `alipay` (the channel the payer logged in with), or `wallet` once paid from the wallet. Absent only in idempotent replays of answers stored before Kassa named it.",
    }),
  ),
  paidAt: Type.Union([Type.String(), Type.Null()], {
    description: "When the channel took the money, or the wallet paid",
  }),
  transactionId: Type.Union([Type.String(), Type.Null()], {
    description:
      "The channel's id of the payment, as on the payer's receipt (WeChat Pay's transaction_id, Alipay's trade_no); for an order paid from the wallet, Kassa's id of that wallet payment (`pay_…`)",
  }),
  refundedFen: Type.Integer({
    description:
      "What refunds gave back so far, in fen; a refunded order stays PAID, partly or wholly refunded (docs/refunds.md)",
  }),
});

/**
 * A response schema as /docs shows it: a description, and named examples (an OpenAPI
 * examples object; @fastify/swagger moves `x-examples` onto the media type).
 */
export function documented<T extends TSchema>(
  schema: T,
  description: string,
  examples: Record<string, unknown>,
): T {
  return {
    ...schema,
    description,
    "x-examples": Object.fromEntries(
      Object.entries(examples).map(([name, value]) => [name, { summary: name, value }]),
    ),
  };
}
