/**
 * A time slot of a service (issue 10): start and end, capacity, price per seat.
 *
 * OPEN       bookable until it starts, while seats are left.
 * CLOSED     the merchant stopped new bookings; existing ones stand.
 * CANCELLED  the merchant cancelled it: every paid booking is refunded in full.
 */
export const SLOT_STATUSES = ["OPEN", "CLOSED", "CANCELLED"] as const;
export type SlotStatus = (typeof SLOT_STATUSES)[number];

export interface Slot {
  id: string;
  appId: string;
  serviceId: string;
  startsAt: number;
  endsAt: number;
  timeZone: string;
  capacity: number;
  seatsHeld: number;
  priceFen: number;
  status: SlotStatus;
  createdAt: number;
  cancelledAt: number | null;
}

/** A slot takes bookings while OPEN and before its start; a slot that has started never does. */
export function isBookable(slot: Pick<Slot, "status" | "startsAt">, now: number): boolean {
  return slot.status === "OPEN" && now < slot.startsAt;
}

/**
 * When a booking's order expires: the order's usual time, but never after the slot starts
 * (a seat cannot stay held past the start), in whole seconds as time_expire is sent.
 */
export function bookingExpiry(orderExpiresAt: number, startsAt: number): number {
  return Math.min(orderExpiresAt, Math.floor(startsAt / 1000) * 1000);
}

export function seatsLeft(slot: Pick<Slot, "capacity" | "seatsHeld">): number {
  return Math.max(0, slot.capacity - slot.seatsHeld);
}
