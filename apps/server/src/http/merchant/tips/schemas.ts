import { Type } from "typebox";
import { DEFAULT_TIME_ZONE } from "../../../domain/booking/local-time.ts";
import { MAX_ORDER_FEN } from "../../../domain/money.ts";
import { MAX_PRESET_AMOUNTS, MAX_TIP_MESSAGE_CHARS } from "../../../domain/tip/tipping-rules.ts";
import { TimeZone } from "../bookings/schemas.ts";

/** The tipping part of the merchant API's schemas (and the mini program's views of recipients). */

const Fen = (description: string) => Type.Integer({ minimum: 1, maximum: MAX_ORDER_FEN, description });

export const RecipientName = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: "^\\P{C}+$",
  description: "1-100 characters: whom the payer tips (a creator, a staff member); the payer's bill shows it",
});

export const RulesProperties = {
  presetAmountsFen: Type.Array(Type.Integer({ minimum: 1, maximum: MAX_ORDER_FEN }), {
    maxItems: MAX_PRESET_AMOUNTS,
    description: `The amounts the mini program offers as buttons, in fen; each within minFen and maxFen, distinct, at most ${MAX_PRESET_AMOUNTS}`,
  }),
  minFen: Fen("The least one tip may be, in fen"),
  maxFen: Fen("The most one tip may be, in fen"),
  dailyCapFen: Fen(
    "The most one payer may tip this recipient in one day of `timeZone` (pending and paid tips count), in fen",
  ),
  timeZone: {
    ...TimeZone,
    description: "IANA time zone whose calendar day the daily cap counts; Asia/Shanghai when left out",
  },
};

export const RecipientCreateBody = Type.Object(
  {
    name: RecipientName,
    presetAmountsFen: RulesProperties.presetAmountsFen,
    minFen: RulesProperties.minFen,
    maxFen: RulesProperties.maxFen,
    dailyCapFen: RulesProperties.dailyCapFen,
    timeZone: Type.Optional(RulesProperties.timeZone),
  },
  {
    additionalProperties: false,
    examples: [
      {
        name: "主播小王 Host Wang",
        presetAmountsFen: [100, 666, 1888],
        minFen: 100,
        maxFen: 20000,
        dailyCapFen: 50000,
      },
    ],
  },
);

export const RecipientChangeBody = Type.Object(
  {
    name: Type.Optional(RecipientName),
    presetAmountsFen: Type.Optional(RulesProperties.presetAmountsFen),
    minFen: Type.Optional(RulesProperties.minFen),
    maxFen: Type.Optional(RulesProperties.maxFen),
    dailyCapFen: Type.Optional(RulesProperties.dailyCapFen),
    timeZone: Type.Optional(RulesProperties.timeZone),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ maxFen: 50000, dailyCapFen: 100000 }] },
);

const RecipientViewProperties = {
  id: Type.String({ description: "`rcp_…`" }),
  name: Type.String(),
  active: Type.Boolean({ description: "false: deactivated, takes no tips (it can still be paid out)" }),
  presetAmountsFen: Type.Array(Type.Integer(), { description: "Ascending" }),
  minFen: Type.Integer(),
  maxFen: Type.Integer(),
  dailyCapFen: Type.Integer(),
  timeZone: Type.String({
    description: `IANA time zone of the daily cap's day, ${DEFAULT_TIME_ZONE} by default`,
  }),
  createdAt: Type.String({ description: "ISO 8601, UTC" }),
};

export const RecipientViewSchema = Type.Object({
  ...RecipientViewProperties,
  balanceFen: Type.Integer({
    description:
      "What you owe the recipient now: paid tips less payouts and refunds (the ledger's `tips:<id>`)",
  }),
});

export const PayerRecipientViewSchema = Type.Object({
  ...RecipientViewProperties,
  tippedTodayFen: Type.Integer({ description: "What you tipped this recipient today (pending and paid)" }),
  leftTodayFen: Type.Integer({ description: "What you may still tip this recipient today" }),
});

export const TipViewSchema = Type.Object({
  orderId: Type.String({ description: "The tip's order (`ord_…`), paid like any order" }),
  recipientId: Type.String(),
  amountFen: Type.Integer(),
  message: Type.Union([Type.String(), Type.Null()], {
    description: `The payer's message, plain text (at most ${MAX_TIP_MESSAGE_CHARS} characters): show it as text, never as HTML`,
  }),
  day: Type.String({
    description: "The recipient's calendar day (YYYY-MM-DD) the tip counts on toward the daily cap",
  }),
  status: Type.Union([Type.Literal("PENDING"), Type.Literal("RELEASED"), Type.Literal("PAID")], {
    description:
      "PENDING (unpaid) → PAID; PENDING → RELEASED (the order closed unpaid; the cap is given back)",
  }),
  createdAt: Type.String(),
});

export const MerchantTipViewSchema = Type.Object({
  ...TipViewSchema.properties,
  userId: Type.String({ description: "Kassa's id of the payer (`usr_…`)" }),
});

export const PayoutCreateBody = Type.Object(
  {
    amountFen: Fen("What you paid the recipient, outside Kassa, in fen; at most their balance"),
    reference: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        pattern: "^\\P{C}+$",
        description: "Your own note of the payment (a bank transfer's number), 1-200 characters",
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [{ amountFen: 5000, reference: "bank transfer 2026-12-02 #4711" }],
  },
);

export const PayoutViewSchema = Type.Object({
  id: Type.String({ description: "`pyo_…`" }),
  recipientId: Type.String(),
  amountFen: Type.Integer(),
  reference: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});

export const RecipientIdParams = Type.Object({
  recipientId: Type.String({
    description: "The recipient's `id`",
    examples: ["rcp_4k9m2q7x1c8v3b6n0p5r2t7wzd"],
  }),
});
