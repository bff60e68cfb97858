import { Type } from "typebox";
import { MAX_SEATS_PER_BOOKING } from "../../../domain/booking/booking.ts";
import { BookingViewSchema, pageOf, SlotViewSchema } from "../../merchant/bookings/schemas.ts";
import { PENDING_ORDER_EXAMPLE } from "../examples.ts";
import { OrderViewSchema } from "../schemas.ts";

/** The mini program's booking schemas, and the examples /docs shows (a demo run's answers). */

export const BookedOrderSchema = Type.Object({
  ...OrderViewSchema.properties,
  booking: BookingViewSchema,
});

export const CancelledBookingSchema = Type.Object({
  ...BookedOrderSchema.properties,
  refund: Type.Union(
    [
      Type.Object({
        id: Type.String({ description: "`rfd_…`" }),
        amountFen: Type.Integer({ description: "What the policy gives back, in fen (rounded down)" }),
        refundPercent: Type.Integer({ description: "The policy's percent at the moment of the cancel" }),
        status: Type.String({
          description: "PROCESSING until WeChat Pay confirms; SUCCESS at once for the wallet",
        }),
      }),
      Type.Null(),
    ],
    { description: "null when the policy gives nothing back at this moment" },
  ),
});

export const BookingCreateBody = Type.Object(
  {
    slotId: Type.String({ minLength: 1, maxLength: 64, description: "An `id` from GET /v1/booking-slots" }),
    seats: Type.Integer({ minimum: 1, maximum: MAX_SEATS_PER_BOOKING, description: "1-99 seats" }),
  },
  { additionalProperties: false, examples: [{ slotId: "slt_5f8k2m9q1c7x3v6b0n4p8r2t5w", seats: 2 }] },
);

export const BookingIdParams = Type.Object({
  id: Type.String({ description: "The booking's order id", examples: ["ord_7d2kq9x1c4v8b6n3m5p0r2t7wz"] }),
});

export const AvailabilityQuery = Type.Object(
  {
    serviceId: Type.Optional(
      Type.String({ minLength: 1, maxLength: 64, description: "Only this service's slots" }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 100, default: 20, description: "Items per page, 1-100" }),
    ),
    cursor: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: "The previous page's nextCursor" }),
    ),
  },
  { additionalProperties: false },
);

export const AvailabilityPageSchema = pageOf(
  SlotViewSchema,
  "Bookable slots (OPEN, not started), by start time",
);

export const SLOT_EXAMPLE = {
  id: "slt_5f8k2m9q1c7x3v6b0n4p8r2t5w",
  serviceId: "svc_q2m7c1x8k3v9d0b4n6p5r2t7wz",
  start: "2026-12-05T19:00:00",
  end: "2026-12-05T20:30:00",
  timeZone: "Asia/Shanghai",
  startsAt: "2026-12-05T11:00:00.000Z",
  endsAt: "2026-12-05T12:30:00.000Z",
  capacity: 12,
  seatsTaken: 3,
  seatsLeft: 9,
  priceFen: 8800,
  priceYuan: "88.00",
  status: "OPEN",
  createdAt: "2026-12-01T20:10:02.114Z",
};

const HELD_BOOKING = {
  orderId: "ord_7d2kq9x1c4v8b6n3m5p0r2t7wz",
  slotId: SLOT_EXAMPLE.id,
  seats: 2,
  unitPriceFen: 8800,
  status: "HELD",
  ticketCode: null,
  checkedInAt: null,
  cancelledAt: null,
  cancelCause: null,
  refundId: null,
  createdAt: "2026-12-01T20:25:39.986Z",
};

export const BOOKED_ORDER_EXAMPLE = {
  ...PENDING_ORDER_EXAMPLE,
  id: HELD_BOOKING.orderId,
  kind: "booking",
  amountFen: 17600,
  amountYuan: "176.00",
  description: "茶艺课 Tea ceremony class 2026-12-05 19:00 x2",
  lines: [],
  booking: HELD_BOOKING,
};

export const CONFIRMED_BOOKING_EXAMPLE = {
  ...BOOKED_ORDER_EXAMPLE,
  status: "PAID",
  paidAt: "2026-12-01T20:25:52.000Z",
  transactionId: "4200061224202612025627048971",
  booking: { ...HELD_BOOKING, status: "CONFIRMED", ticketCode: "tkt_9w4m2k7q1x8c3v6b0n5p2r7t4d" },
};

export const CANCELLED_BOOKING_EXAMPLE = {
  ...CONFIRMED_BOOKING_EXAMPLE,
  booking: {
    ...HELD_BOOKING,
    status: "CANCELLED",
    cancelledAt: "2026-12-03T09:12:40.501Z",
    cancelCause: "payer",
    refundId: "rfd_3c8v1m6k9q2x7b4n0p5r8t2w6d",
  },
  refund: {
    id: "rfd_3c8v1m6k9q2x7b4n0p5r8t2w6d",
    amountFen: 17600,
    refundPercent: 100,
    status: "PROCESSING",
  },
};
