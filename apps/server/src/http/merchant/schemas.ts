import { Type } from "typebox";
import { OrderViewSchema } from "../mini-program/schemas.ts";

/** Shared pieces of the merchant API's schemas. */

export const ProductViewSchema = Type.Object({
  id: Type.String({ description: "`prd_…`: Kassa's, or the one given at creation" }),
  name: Type.String(),
  priceFen: Type.Integer({ description: "The price in fen; new orders use it, existing ones keep theirs" }),
  priceYuan: Type.String({ description: "The same price in yuan, for display" }),
  stock: Type.Integer({ description: "Units that can still be sold: units held by unpaid orders are out" }),
  active: Type.Boolean({ description: "Inactive products are not in the catalog and cannot be ordered" }),
  createdAt: Type.String({ description: "ISO 8601, UTC" }),
});

export const ProductIdParams = Type.Object({
  productId: Type.String({ description: "The product's `id`", examples: ["prd_jasmine_tea"] }),
});

export const OrderIdParams = Type.Object({
  orderId: Type.String({ description: "The order's `id`", examples: ["ord_ahmva667x9ctc6tmg292eqgvhr"] }),
});

export const MerchantOrderSchema = Type.Object({
  ...OrderViewSchema.properties,
  userId: Type.String({ description: "Kassa's id of the payer (`usr_…`); the openid is never shown" }),
});

const NullableTime = Type.Union([Type.String(), Type.Null()]);

export const PaymentViewSchema = Type.Object({
  id: Type.String({ description: "`pay_…`" }),
  channel: Type.String({ description: "`wechatpay`" }),
  outTradeNo: Type.String({ description: "The out_trade_no the channel's merchant pages show" }),
  status: Type.String({ description: "PENDING, CLOSING, CLOSED or PAID" }),
  amountFen: Type.Integer(),
  createdAt: Type.String(),
  prepaidAt: Type.Union([Type.String(), Type.Null()], {
    description:
      "When the channel gave the prepay reference (WeChat Pay: prepay_id, Alipay: trade_no); null before, and for payments prepaid before Kassa stored it",
  }),
  paidAt: NullableTime,
  transactionId: Type.Union([Type.String(), Type.Null()]),
  bankType: Type.Union([Type.String(), Type.Null()]),
});

export const TimelineEntrySchema = Type.Object({
  at: Type.String({ description: "ISO 8601, UTC" }),
  type: Type.String({
    enum: [
      "order.created",
      "payment.prepaid",
      "notification.received",
      "payment.queried",
      "order.paid",
      "order.closed",
      "refund.requested",
      "refund.succeeded",
      "refund.abnormal",
      "refund.closed",
      "alert.raised",
    ],
  }),
  paymentId: Type.Optional(Type.String()),
  detail: Type.Optional(
    Type.Object(
      {},
      {
        additionalProperties: true,
        description:
          "notification.received: eventType and outcome; payment.queried: reason and outcome; order.closed: reason; refund.*: refundId and amountFen; alert.raised: kind",
      },
    ),
  ),
});

export const MerchantOrderDetailSchema = Type.Object({
  ...MerchantOrderSchema.properties,
  payments: Type.Array(PaymentViewSchema, { description: "Every payment attempt, oldest first" }),
  timeline: Type.Array(TimelineEntrySchema, {
    description:
      "What Kassa stored, in time order. Kassa's queries of the channel (query-back, confirm) are not stored, so they are not listed",
  }),
});

export const EventViewSchema = Type.Object({
  id: Type.String({ description: "`evt_…`: deliveries of one event carry the same id" }),
  type: Type.String({
    description:
      "`order.paid`, `order.closed`, `order.refunded`, `refund.succeeded`, `refund.abnormal`, `refund.closed`, `booking.confirmed`, `booking.checked_in`, `booking.cancelled`, `tip.paid` or `wallet.credited` (domain/events.ts; docs/webhooks.md); new types may appear",
  }),
  orderId: Type.Union([Type.String(), Type.Null()], {
    description:
      "The order it is about; null only for an event of another object that names no order (`wallet.credited` of an operator's adjustment)",
  }),
  subject: Type.String({
    description:
      "The object whose events `sequence` numbers: an order's id (`ord_…`), or a payer's wallet (`wallet:usr_…`) for `wallet.credited`",
  }),
  payload: Type.Object({}, { additionalProperties: true }),
  createdAt: Type.String(),
  sequence: Type.Integer({
    description:
      "The event's number among its subject's events (1, 2, ...), as webhooks carry it: a higher one is newer",
  }),
});

export const LIMIT_DESCRIPTION = "Items per page, 1-100";

/** A query string is text; `limit` is a number. Only plain digits become one, so `limit=1e2` is refused. */
const DIGITS = /^[0-9]{1,6}$/;

export async function limitAsNumber(request: { query: unknown }): Promise<void> {
  const query = request.query as Record<string, unknown>;
  if (typeof query.limit === "string" && DIGITS.test(query.limit)) query.limit = Number(query.limit);
}

export const PageLimit = Type.Optional(
  Type.Integer({ minimum: 1, maximum: 100, default: 20, description: LIMIT_DESCRIPTION }),
);

export const PageCursor = Type.Optional(
  Type.String({
    minLength: 1,
    maxLength: 200,
    description: "The `nextCursor` of the previous page, unchanged; none for the first page",
  }),
);
