import {
  changeSlot as changeSlotRow,
  findService,
  findSlot,
  insertSlot,
  listBookingsOfSlot,
  listSlots as listSlotRows,
  moveSlot,
} from "../../db/bookings-repo.ts";
import type { Executor } from "../../db/executor.ts";
import { isTimeZone, localToEpoch } from "../../domain/booking/local-time.ts";
import type { Slot } from "../../domain/booking/slot.ts";
import { KassaError } from "../../domain/errors.ts";
import { idPattern, makeId } from "../../domain/ids.ts";
import type { AppDeps } from "../deps.ts";
import { decodeCursor, pageOfRows } from "../page-cursor.ts";
import { type BookingView, type SlotView, viewBookingForMerchant, viewSlot } from "./views.ts";

const SLOT_ID = idPattern("bookingSlot");
const ORDER_ID = idPattern("order");
/** A slot longer than a week is a typo (a ticket for a season is a product). */
const MAX_SLOT_MS = 7 * 24 * 3_600_000;

export interface SlotInput {
  appId: string;
  serviceId: string;
  start: string;
  end: string;
  timeZone: string;
  capacity: number;
  priceFen: number;
}

/** A slot from the merchant's wall-clock times in its time zone; it must start in the future. */
export async function createSlot(deps: AppDeps, trx: Executor, input: SlotInput): Promise<SlotView> {
  if (!(await findService(trx, input.appId, input.serviceId)))
    throw new KassaError("BOOKING_SERVICE_NOT_FOUND");
  if (!isTimeZone(input.timeZone))
    throw new KassaError("BOOKING_TIME_INVALID", { reason: "unknown timeZone" });
  const startsAt = localToEpoch(input.start, input.timeZone);
  const endsAt = localToEpoch(input.end, input.timeZone);
  if (startsAt === undefined || endsAt === undefined)
    throw new KassaError("BOOKING_TIME_INVALID", { reason: "start or end is not a time in timeZone" });
  if (endsAt <= startsAt) throw new KassaError("BOOKING_TIME_INVALID", { reason: "end is not after start" });
  if (endsAt - startsAt > MAX_SLOT_MS)
    throw new KassaError("BOOKING_TIME_INVALID", { reason: "a slot lasts at most 7 days" });
  const now = deps.clock.now();
  if (startsAt <= now) throw new KassaError("BOOKING_TIME_INVALID", { reason: "start is not in the future" });
  const slot: Slot = {
    id: makeId("bookingSlot", deps.ids),
    appId: input.appId,
    serviceId: input.serviceId,
    startsAt,
    endsAt,
    timeZone: input.timeZone,
    capacity: input.capacity,
    seatsHeld: 0,
    priceFen: input.priceFen,
    status: "OPEN",
    createdAt: now,
    cancelledAt: null,
  };
  await insertSlot(trx, slot);
  return viewSlot(slot);
}

/**
 * New capacity or price per seat: existing bookings keep the seats and the price they have.
 * The capacity may not go below the seats taken (one conditional UPDATE, so a booking that
 * lands meanwhile is counted).
 */
export async function changeSlot(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; slotId: string; capacity?: number | undefined; priceFen?: number | undefined },
): Promise<SlotView> {
  const changed = await changeSlotRow(trx, { ...input, now: deps.clock.now() });
  if (changed) return viewSlot(changed);
  const slot = await foundSlot(trx, input.appId, input.slotId);
  if (slot.status === "CANCELLED") throw new KassaError("BOOKING_SLOT_CANCELLED");
  throw new KassaError("BOOKING_CAPACITY_BELOW_TAKEN", { seatsTaken: slot.seatsHeld });
}

/** No new bookings; the existing ones stand. Closing a closed slot changes nothing. */
export async function closeSlot(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; slotId: string },
): Promise<SlotView> {
  await moveSlot(trx, { ...input, from: ["OPEN"], to: "CLOSED", now: deps.clock.now() });
  const slot = await foundSlot(trx, input.appId, input.slotId);
  if (slot.status === "CANCELLED") throw new KassaError("BOOKING_SLOT_CANCELLED");
  return viewSlot(slot);
}

export async function getSlot(deps: AppDeps, appId: string, slotId: string): Promise<SlotView> {
  return viewSlot(await foundSlot(deps.db, appId, slotId));
}

export async function foundSlot(db: Executor, appId: string, slotId: string): Promise<Slot> {
  const slot = await findSlot(db, appId, slotId);
  if (!slot) throw new KassaError("BOOKING_SLOT_NOT_FOUND");
  return slot;
}

/** A page of slots by start time: a service's (merchant), or every bookable one (mini program). */
export async function listSlots(
  deps: AppDeps,
  input: {
    appId: string;
    serviceId: string | undefined;
    openOnly: boolean;
    limit: number;
    cursor: string | undefined;
  },
): Promise<{ data: SlotView[]; nextCursor: string | null }> {
  if (input.serviceId !== undefined && !(await findService(deps.db, input.appId, input.serviceId)))
    throw new KassaError("BOOKING_SERVICE_NOT_FOUND");
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, SLOT_ID);
  const rows = await listSlotRows(deps.db, {
    appId: input.appId,
    serviceId: input.serviceId,
    open: input.openOnly ? { now: deps.clock.now() } : undefined,
    after,
    limit: input.limit + 1,
  });
  const { page, nextCursor } = pageOfRows(rows, input.limit, (row) => ({
    createdAt: row.startsAt,
    id: row.id,
  }));
  return {
    data: page.map(viewSlot),
    nextCursor,
  };
}

/** A slot's bookings, oldest first, every status. */
export async function listSlotBookings(
  deps: AppDeps,
  input: { appId: string; slotId: string; limit: number; cursor: string | undefined },
): Promise<{ data: (BookingView & { userId: string })[]; nextCursor: string | null }> {
  await foundSlot(deps.db, input.appId, input.slotId);
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, ORDER_ID);
  const rows = await listBookingsOfSlot(deps.db, { slotId: input.slotId, after, limit: input.limit + 1 });
  const { page, nextCursor } = pageOfRows(rows, input.limit, (row) => ({
    createdAt: row.createdAt,
    id: row.orderId,
  }));
  return {
    data: page.map(viewBookingForMerchant),
    nextCursor,
  };
}
