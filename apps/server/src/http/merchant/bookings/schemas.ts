import { Type } from "typebox";
import { MAX_BEFORE_START_HOURS, MAX_POLICY_TIERS } from "../../../domain/booking/cancellation-policy.ts";
import { DEFAULT_TIME_ZONE, LOCAL_TIME_PATTERN } from "../../../domain/booking/local-time.ts";
import { MAX_ORDER_FEN } from "../../../domain/money.ts";

/** The booking part of the merchant API's schemas (and the mini program's views of slots). */

export const MAX_CAPACITY = 100_000;

export const PolicyTierSchema = Type.Object(
  {
    beforeStartHours: Type.Integer({ minimum: 1, maximum: MAX_BEFORE_START_HOURS }),
    refundPercent: Type.Integer({ minimum: 0, maximum: 100 }),
  },
  { additionalProperties: false },
);

export const CancellationPolicySchema = Type.Array(PolicyTierSchema, {
  maxItems: MAX_POLICY_TIERS,
  description:
    "Cancelled at least `beforeStartHours` before the start gives `refundPercent` back (the furthest bound that is met wins; exactly at a bound counts as before it); nearer the start than every tier gives 0. Empty: no refunds",
});

export const ServiceViewSchema = Type.Object({
  id: Type.String({ description: "`svc_…`" }),
  name: Type.String(),
  cancellationPolicy: CancellationPolicySchema,
  createdAt: Type.String({ description: "ISO 8601, UTC" }),
});

export const SlotViewSchema = Type.Object({
  id: Type.String({ description: "`slt_…`" }),
  serviceId: Type.String(),
  start: Type.String({ description: "Wall-clock start in `timeZone`, YYYY-MM-DDTHH:mm:ss" }),
  end: Type.String({ description: "Wall-clock end in `timeZone`" }),
  timeZone: Type.String({ description: "IANA time zone, Asia/Shanghai by default" }),
  startsAt: Type.String({ description: "The start, ISO 8601 UTC" }),
  endsAt: Type.String({ description: "The end, ISO 8601 UTC" }),
  capacity: Type.Integer(),
  seatsTaken: Type.Integer({ description: "Seats held by unpaid bookings and taken by paid ones" }),
  seatsLeft: Type.Integer({ description: "capacity - seatsTaken" }),
  priceFen: Type.Integer({ description: "Price per seat for new bookings; existing ones keep theirs" }),
  priceYuan: Type.String(),
  status: Type.Union([Type.Literal("OPEN"), Type.Literal("CLOSED"), Type.Literal("CANCELLED")], {
    description:
      "OPEN takes bookings until it starts; CLOSED takes none; CANCELLED refunded every paid booking",
  }),
  createdAt: Type.String(),
});

const NullableString = Type.Union([Type.String(), Type.Null()]);

export const BookingViewSchema = Type.Object({
  orderId: Type.String({ description: "The booking's order (`ord_…`), paid like any order" }),
  slotId: Type.String(),
  seats: Type.Integer(),
  unitPriceFen: Type.Integer({ description: "The price per seat when booked" }),
  status: Type.Union(
    [
      Type.Literal("HELD"),
      Type.Literal("RELEASED"),
      Type.Literal("CONFIRMED"),
      Type.Literal("CHECKED_IN"),
      Type.Literal("CANCELLED"),
    ],
    {
      description:
        "HELD (unpaid, seats held) → CONFIRMED (paid) → CHECKED_IN; HELD → RELEASED (the order closed); CONFIRMED → CANCELLED (refunded per policy, or in full with the slot)",
    },
  ),
  ticketCode: Type.Union([Type.String(), Type.Null()], {
    description: "`tkt_…`, once paid: the merchant checks it in at the door; null otherwise",
  }),
  checkedInAt: NullableString,
  cancelledAt: NullableString,
  cancelCause: Type.Union(
    [Type.Literal("payer"), Type.Literal("slot_cancelled"), Type.Literal("no_seat"), Type.Null()],
    {
      description:
        "Why a paid booking was cancelled; no_seat: paid after it expired, and the seats were gone",
    },
  ),
  refundId: Type.Union([Type.String(), Type.Null()], { description: "The refund its cancellation made" }),
  createdAt: Type.String(),
});

export const MerchantBookingViewSchema = Type.Object({
  ...BookingViewSchema.properties,
  userId: Type.String({ description: "Kassa's id of the payer (`usr_…`)" }),
});

export const LocalTime = Type.String({
  pattern: LOCAL_TIME_PATTERN,
  description: "A wall-clock time in `timeZone`, YYYY-MM-DDTHH:mm (seconds optional), no offset",
  examples: ["2026-12-05T19:00"],
});

export const TimeZone = Type.String({
  minLength: 1,
  maxLength: 64,
  pattern: "^[A-Za-z0-9_+/-]+$",
  default: DEFAULT_TIME_ZONE,
  description: "IANA time zone of `start` and `end`; Asia/Shanghai when left out",
});

export const Capacity = Type.Integer({ minimum: 0, maximum: MAX_CAPACITY, description: "Seats, 0-100,000" });

export const PricePerSeatFen = Type.Integer({
  minimum: 1,
  maximum: MAX_ORDER_FEN,
  description: "Price per seat in integer fen",
});

export const ServiceIdParams = Type.Object({
  serviceId: Type.String({ description: "The service's `id`", examples: ["svc_q2m7c1x8k3v9d0b4n6p5r2t7wz"] }),
});

export const SlotIdParams = Type.Object({
  slotId: Type.String({ description: "The slot's `id`", examples: ["slt_5f8k2m9q1c7x3v6b0n4p8r2t5w"] }),
});

export function pageOf<T extends ReturnType<typeof Type.Object>>(item: T, order: string) {
  return Type.Object({
    data: Type.Array(item, { description: order }),
    nextCursor: Type.Union([Type.String(), Type.Null()], { description: "null on the last page" }),
  });
}
