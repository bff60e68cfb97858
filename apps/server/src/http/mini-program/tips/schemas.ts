import { Type } from "typebox";
import { MAX_ORDER_FEN } from "../../../domain/money.ts";
import { MAX_TIP_MESSAGE_CHARS } from "../../../domain/tip/tipping-rules.ts";
import { pageOf } from "../../merchant/bookings/schemas.ts";
import { PayerRecipientViewSchema, TipViewSchema } from "../../merchant/tips/schemas.ts";
import { PENDING_ORDER_EXAMPLE } from "../examples.ts";
import { OrderViewSchema } from "../schemas.ts";

/** The mini program's tipping schemas, and the examples /docs shows (a demo run's answers). */

export const TippedOrderSchema = Type.Object({ ...OrderViewSchema.properties, tip: TipViewSchema });

export const TipCreateBody = Type.Object(
  {
    recipientId: Type.String({
      minLength: 1,
      maxLength: 64,
      description: "An `id` from GET /v1/tip-recipients",
    }),
    amountFen: Type.Integer({
      minimum: 1,
      maximum: MAX_ORDER_FEN,
      description:
        "What you tip, in fen: any whole amount within the recipient's `minFen` and `maxFen` (a preset or your own), and within what is left of its daily cap",
    }),
    message: Type.Optional(
      Type.String({
        // The schema bounds what is read; the rule (one line, 140 characters) is TIP_MESSAGE_INVALID's.
        maxLength: 1000,
        description: `Optional, one line of at most ${MAX_TIP_MESSAGE_CHARS} characters, kept and shown as plain text`,
      }),
    ),
  },
  {
    additionalProperties: false,
    examples: [
      { recipientId: "rcp_4k9m2q7x1c8v3b6n0p5r2t7wzd", amountFen: 666, message: "谢谢! Great show" },
    ],
  },
);

export const TipIdParams = Type.Object({
  id: Type.String({ description: "The tip's order id", examples: ["ord_2m8k4q9x1c7v3b6n0p5r2t7wzd"] }),
});

export const RecipientsQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, default: 20, description: "Items per page, 1-100" }),
    ),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: "The previous page's nextCursor" }),
    ),
  },
  { additionalProperties: false },
);

export const RecipientsPageSchema = pageOf(
  PayerRecipientViewSchema,
  "Recipients taking tips now, oldest first",
);

export const RECIPIENT_EXAMPLE = {
  id: "rcp_4k9m2q7x1c8v3b6n0p5r2t7wzd",
  name: "主播小王 Host Wang",
  active: true,
  presetAmountsFen: [100, 666, 1888],
  minFen: 100,
  maxFen: 20000,
  dailyCapFen: 50000,
  timeZone: "Asia/Shanghai",
  createdAt: "2026-12-01T20:10:02.114Z",
  tippedTodayFen: 0,
  leftTodayFen: 50000,
};

export const TIPPED_ORDER_EXAMPLE = {
  ...PENDING_ORDER_EXAMPLE,
  id: "ord_2m8k4q9x1c7v3b6n0p5r2t7wzd",
  kind: "tip",
  amountFen: 666,
  amountYuan: "6.66",
  description: "打赏 主播小王 Host Wang",
  lines: [],
  tip: {
    orderId: "ord_2m8k4q9x1c7v3b6n0p5r2t7wzd",
    recipientId: RECIPIENT_EXAMPLE.id,
    amountFen: 666,
    message: "谢谢! Great show",
    day: "2026-12-02",
    status: "PENDING",
    createdAt: "2026-12-01T20:25:39.986Z",
  },
};
