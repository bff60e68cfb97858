import type { Service } from "../../db/bookings-repo.ts";
import type { Booking } from "../../domain/booking/booking.ts";
import type { PolicyTier } from "../../domain/booking/cancellation-policy.ts";
import { epochToLocal } from "../../domain/booking/local-time.ts";
import { type Slot, seatsLeft } from "../../domain/booking/slot.ts";
import { formatYuan, toFen } from "../../domain/money.ts";

/** What the merchant and the mini program see of services, slots and bookings. */

export interface ServiceView {
  id: string;
  name: string;
  cancellationPolicy: PolicyTier[];
  createdAt: string;
}

export function viewService(service: Service): ServiceView {
  return {
    id: service.id,
    name: service.name,
    cancellationPolicy: service.cancellationPolicy.map((tier) => ({ ...tier })),
    createdAt: new Date(service.createdAt).toISOString(),
  };
}

export interface SlotView {
  id: string;
  serviceId: string;
  /** Wall-clock times in the slot's time zone, as the merchant wrote them. */
  start: string;
  end: string;
  timeZone: string;
  /** The same instants in UTC. */
  startsAt: string;
  endsAt: string;
  capacity: number;
  seatsTaken: number;
  seatsLeft: number;
  priceFen: number;
  priceYuan: string;
  status: Slot["status"];
  createdAt: string;
}

export function viewSlot(slot: Slot): SlotView {
  return {
    id: slot.id,
    serviceId: slot.serviceId,
    start: epochToLocal(slot.startsAt, slot.timeZone),
    end: epochToLocal(slot.endsAt, slot.timeZone),
    timeZone: slot.timeZone,
    startsAt: new Date(slot.startsAt).toISOString(),
    endsAt: new Date(slot.endsAt).toISOString(),
    capacity: slot.capacity,
    seatsTaken: slot.seatsHeld,
    seatsLeft: seatsLeft(slot),
    priceFen: slot.priceFen,
    priceYuan: formatYuan(toFen(slot.priceFen)),
    status: slot.status,
    createdAt: new Date(slot.createdAt).toISOString(),
  };
}

export interface BookingView {
  orderId: string;
  slotId: string;
  seats: number;
  unitPriceFen: number;
  status: Booking["status"];
  /** Only once paid: what admits the payer at the door (and null before, or after a cancel). */
  ticketCode: string | null;
  checkedInAt: string | null;
  cancelledAt: string | null;
  cancelCause: Booking["cancelCause"];
  /** The refund the cancellation made; null when none (nothing was due, or not cancelled). */
  refundId: string | null;
  createdAt: string;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export function viewBooking(booking: Booking): BookingView {
  const admits = booking.status === "CONFIRMED" || booking.status === "CHECKED_IN";
  return {
    orderId: booking.orderId,
    slotId: booking.slotId,
    seats: booking.seats,
    unitPriceFen: booking.unitPriceFen,
    status: booking.status,
    ticketCode: admits ? booking.ticketCode : null,
    checkedInAt: iso(booking.checkedInAt),
    cancelledAt: iso(booking.cancelledAt),
    cancelCause: booking.cancelCause,
    refundId: booking.refundId,
    createdAt: new Date(booking.createdAt).toISOString(),
  };
}

/** The merchant sees whose booking it is (Kassa's user id, never the openid). */
export function viewBookingForMerchant(booking: Booking): BookingView & { userId: string } {
  return { ...viewBooking(booking), userId: booking.userId };
}
