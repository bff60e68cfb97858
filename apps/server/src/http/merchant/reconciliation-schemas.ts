import { Type } from "typebox";
import { EXTERNAL_CHANNELS } from "../../domain/payment.ts";
import { DIFFERENCE_CLASSES } from "../../domain/reconciliation.ts";

/** Schemas of the reconciliation routes (docs/reconciliation.md). */

const Fen = (description: string) => Type.Integer({ description: `${description}, in fen` });
const NullableFen = (description: string) => Type.Union([Type.Integer(), Type.Null()], { description });
const NullableTime = Type.Union([Type.String(), Type.Null()], { description: "ISO 8601, UTC" });

export const ChannelQuery = Type.Optional(
  Type.Union(
    EXTERNAL_CHANNELS.map((channel) => Type.Literal(channel)),
    {
      // No schema default: the validator would fill it in, and an Alipay-only app's default is Alipay.
      description:
        "The channel whose bill the day is reconciled with: `wechatpay` or `alipay`; by default the app's (WeChat Pay when it has it, else its only channel)",
    },
  ),
);

export const DayParams = Type.Object({
  day: Type.String({
    pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
    description: "A Beijing-time day, YYYY-MM-DD (how WeChat Pay and Alipay cut their bills)",
    examples: ["2026-12-01"],
  }),
});

export const RunViewSchema = Type.Object({
  id: Type.String({ description: "`rcn_…`" }),
  day: Type.String({ description: "YYYY-MM-DD, Beijing time" }),
  channel: Type.String(),
  status: Type.String({
    enum: ["waiting", "running", "completed"],
    description:
      "waiting: the channel has not published the day yet; running: a pass is under way (or failed and will retry, see lastError)",
  }),
  passes: Type.Integer({
    description: "How many times the day was reconciled; each pass replaces the report",
  }),
  bill: Type.Object({
    payments: Type.Integer({ description: "This app's paid payments in the channel's trade bill" }),
    paymentsFen: Fen("Their sum"),
    refunds: Type.Integer({ description: "This app's refund rows in the trade bill" }),
    refundsFen: Fen("Their sum"),
    feesFen: Fen(
      "The fees the fund-flow bill booked for this app's payments and refunds (net of fees given back)",
    ),
    unreadableRows: Type.Integer({
      description: "Rows that could not be read (each is an unreadable_row difference)",
    }),
  }),
  kassa: Type.Object({
    payments: Type.Integer({
      description: "Payments Kassa holds as PAID whose channel paid time falls in the day",
    }),
    paymentsFen: Fen("Their sum"),
    refunds: Type.Integer({ description: "Refunds Kassa made that day (0 until refunds are reconciled)" }),
    refundsFen: Fen("Their sum"),
  }),
  ledger: Type.Object({
    feesPostedFen: Fen(
      "What the ledger's <channel>:fees account holds for the day (one entry, cause channel_fees)",
    ),
  }),
  differences: Type.Object({ open: Type.Integer(), resolved: Type.Integer() }),
  startedAt: NullableTime,
  completedAt: NullableTime,
  lastError: Type.Union([Type.String(), Type.Null()]),
});

export const DifferenceViewSchema = Type.Object({
  id: Type.String({ description: "`rdf_…`: the same difference keeps its id when the day is run again" }),
  class: Type.String({
    enum: [...DIFFERENCE_CLASSES],
    description: "What kind of difference (docs/reconciliation.md)",
  }),
  status: Type.String({ enum: ["open", "resolved"] }),
  outTradeNo: Type.Union([Type.String(), Type.Null()]),
  outRefundNo: Type.Union([Type.String(), Type.Null()]),
  billAmountFen: NullableFen("What the channel's bill says; null when the bill has no such row"),
  kassaAmountFen: NullableFen("What Kassa holds; null when Kassa has no such payment"),
  ledgerAmountFen: NullableFen("What the ledger holds, for fee differences: the fee posted"),
  detail: Type.Object(
    {},
    { additionalProperties: true, description: "What each side says, in its own words" },
  ),
  action: Type.String({ description: "What Kassa did, or what the operator should do" }),
  alertId: Type.Union([Type.String(), Type.Null()], { description: "The alert an open difference raised" }),
  createdAt: Type.String(),
  resolvedAt: NullableTime,
});
