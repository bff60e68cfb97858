import { Type } from "typebox";
import { MAX_ORDER_FEN } from "../../domain/money.ts";
import { REFUND_STATUSES } from "../../domain/refund.ts";

const NullableText = Type.Union([Type.String(), Type.Null()]);

export const REFUND_EXAMPLE = {
  id: "rfd_4c1mx8q0v7k2n9p3d5f6g8h0jt",
  orderId: "ord_ahmva667x9ctc6tmg292eqgvhr",
  paymentId: "pay_1gmdc8n527gte70b0zbh1rnrn0",
  outRefundNo: "rfd_4c1mx8q0v7k2n9p3d5f6g8h0jt",
  status: "PROCESSING",
  amountFen: 1200,
  amountYuan: "12.00",
  reason: "缺货 out of stock",
  returnStock: true,
  settledOffline: false,
  channelRefundId: "50300908092018010601234567890",
  lastError: null,
  createdAt: "2026-12-02T03:10:00.000Z",
  succeededAt: null,
  closedAt: null,
};

export const RefundViewSchema = Type.Object(
  {
    id: Type.String({ description: "`rfd_…`" }),
    orderId: Type.String(),
    paymentId: Type.String({ description: "The paid payment it gives money back from" }),
    outRefundNo: Type.String({
      description:
        "Kassa's out_refund_no at the channel (Alipay: out_request_no), assigned once and reused on every retry (§5.4, A.5)",
    }),
    status: Type.String({
      enum: [...REFUND_STATUSES],
      description:
        "PROCESSING, then SUCCESS or CLOSED (final); ABNORMAL waits for an operator (docs/refunds.md)",
    }),
    amountFen: Type.Integer(),
    amountYuan: Type.String(),
    reason: NullableText,
    returnStock: Type.Boolean({ description: "Put the order's units back in stock when it succeeds" }),
    settledOffline: Type.Boolean({
      description: "An operator marked an ABNORMAL refund as paid back by other means",
    }),
    channelRefundId: Type.Union([Type.String(), Type.Null()], {
      description:
        "The channel's id of the refund, once known (WeChat Pay: refund_id; Alipay, which has none: trade_no:out_request_no)",
    }),
    lastError: Type.Union([Type.String(), Type.Null()], {
      description:
        "Why the channel refused it (`rejected NOT_ENOUGH`, `rejected ACQ.REASON_TRADE_REFUND_FEE_ERR`: the refund is then CLOSED), or the last failure while asking it (Kassa asks again by itself)",
    }),
    createdAt: Type.String({ description: "ISO 8601, UTC" }),
    succeededAt: NullableText,
    closedAt: NullableText,
  },
  { examples: [REFUND_EXAMPLE] },
);

export const RefundIdParams = Type.Object({
  refundId: Type.String({ description: "The refund's `id`", examples: [REFUND_EXAMPLE.id] }),
});

export const RefundsCreateBody = Type.Object(
  {
    amountFen: Type.Integer({
      minimum: 1,
      maximum: MAX_ORDER_FEN,
      description: "Integer fen, at least 1; all refunds of an order together at most what it was paid",
    }),
    reason: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 80,
        pattern: "^\\P{C}+$",
        description: "Shown to the payer by the channel (§5.4: at most 80 characters)",
      }),
    ),
    returnStock: Type.Optional(
      Type.Boolean({
        description:
          "false by default. true: when the refund succeeds, the order's units go back in stock (once per order)",
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ amountFen: 1200, reason: "缺货 out of stock", returnStock: true }],
  },
);
