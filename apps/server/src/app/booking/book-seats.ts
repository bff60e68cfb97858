import { findBooking, findService, findSlot, holdSeats, insertBooking } from "../../db/bookings-repo.ts";
import type { Executor } from "../../db/executor.ts";
import { findOrderForUser, insertOrder } from "../../db/orders-repo.ts";
import { insertPayment } from "../../db/payments-repo.ts";
import { lockUserForUpdate } from "../../db/users-repo.ts";
import type { Booking } from "../../domain/booking/booking.ts";
import { epochToLocal } from "../../domain/booking/local-time.ts";
import { bookingExpiry, isBookable, seatsLeft } from "../../domain/booking/slot.ts";
import { KassaError } from "../../domain/errors.ts";
import { makeId } from "../../domain/ids.ts";
import { MAX_ORDER_FEN, toFen } from "../../domain/money.ts";
import type { Order } from "../../domain/order.ts";
import type { AppDeps } from "../deps.ts";
import { firstPaymentOf, orderExpiry } from "../first-payment.ts";
import { scheduleOrderClose } from "../jobs.ts";
import { loadOrderView, type OrderView, viewOrder } from "../order-view.ts";
import { payerIdempotentWrite } from "../payer-idempotency.ts";
import { enforceUserCaps } from "../user-caps.ts";
import { type BookingView, viewBooking } from "./views.ts";

export type BookedOrder = OrderView & { booking: BookingView };

/**
 * Book N seats of a slot: an order of kind `booking`, priced by Kassa from the slot (price per
 * seat x seats), paid like any order (POST /v1/orders/:id/pay or /pay-from-wallet). Its seats
 * are held in the order's transaction, by the slot row's conditional UPDATE (bookings-repo.ts
 * holdSeats), and released when the order closes or expires, which is no later than the
 * slot's start. With an Idempotency-Key, K concurrent sends make one booking.
 */
export async function bookSeats(
  deps: AppDeps,
  input: { appId: string; userId: string; slotId: string; seats: number; idempotencyKey: string | undefined },
): Promise<{ replayed: boolean; order: BookedOrder }> {
  const write = {
    userId: input.userId,
    idempotencyKey: input.idempotencyKey,
    request: { booking: [input.slotId, input.seats] },
  };
  const { replayed, value } = await payerIdempotentWrite(deps, write, (trx) => book(deps, trx, input));
  return { replayed, order: value };
}

async function book(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; userId: string; slotId: string; seats: number },
): Promise<BookedOrder> {
  // Locks in the one order (create-order.ts): the user's row, then the slot's.
  const payer = await lockUserForUpdate(trx, input.userId);
  await enforceUserCaps(deps, trx, input.userId, input.seats);
  const slot = await findSlot(trx, input.appId, input.slotId);
  if (!slot) throw new KassaError("BOOKING_SLOT_NOT_FOUND");
  const now = deps.clock.now();
  const expiresAt = bookingExpiry(orderExpiry(deps, now), slot.startsAt);
  if (!isBookable(slot, now) || expiresAt <= now)
    throw new KassaError("BOOKING_SLOT_NOT_BOOKABLE", { status: slot.status, started: now >= slot.startsAt });
  const amountFen = slot.priceFen * input.seats;
  if (amountFen > MAX_ORDER_FEN) throw new KassaError("ORDER_AMOUNT_TOO_LARGE");
  const service = await findService(trx, input.appId, slot.serviceId);
  const start = epochToLocal(slot.startsAt, slot.timeZone).slice(0, 16).replace("T", " ");
  const order: Order = {
    id: makeId("order", deps.ids),
    kind: "booking",
    appId: input.appId,
    userId: input.userId,
    status: "PENDING",
    amountFen: toFen(amountFen),
    description: [...`${service?.name ?? "预订"} ${start} x${input.seats}`].slice(0, 127).join(""),
    lines: [],
    bonusFen: toFen(0),
    topUpTierId: null,
    expiresAt,
    createdAt: now,
  };
  const booking: Booking = {
    orderId: order.id,
    appId: input.appId,
    slotId: slot.id,
    userId: input.userId,
    seats: input.seats,
    unitPriceFen: slot.priceFen,
    ticketCode: makeId("ticket", deps.ids),
    status: "HELD",
    cancelCause: null,
    refundId: null,
    checkedInAt: null,
    cancelledAt: null,
    createdAt: now,
  };
  const payment = firstPaymentOf(deps, order, payer.channel);
  await insertOrder(trx, order);
  await insertPayment(trx, payment);
  await insertBooking(trx, booking);
  await scheduleOrderClose({ ...deps, db: trx }, order.id, expiresAt);
  // Seats last: the slot's row lock is what concurrent bookers queue on, held for the shortest
  // time. The conditional UPDATE is the guard (the slot read above may be stale already);
  // failing it rolls the whole booking back.
  if (!(await holdSeats(trx, { slotId: slot.id, seats: input.seats, now }))) {
    const latest = await findSlot(trx, input.appId, slot.id);
    if (latest && !isBookable(latest, now))
      throw new KassaError("BOOKING_SLOT_NOT_BOOKABLE", {
        status: latest.status,
        started: now >= latest.startsAt,
      });
    throw new KassaError("BOOKING_SLOT_FULL", { seatsLeft: latest ? seatsLeft(latest) : 0 });
  }
  return { ...viewOrder(order, payment), booking: viewBooking(booking) };
}

/** The payer's own booking with its order; another user's is indistinguishable from none. */
export async function getBooking(
  deps: AppDeps,
  input: { userId: string; orderId: string },
): Promise<BookedOrder> {
  const order = await findOrderForUser(deps.db, input.orderId, input.userId);
  const booking = order?.kind === "booking" ? await findBooking(deps.db, order.id) : undefined;
  if (!order || !booking) throw new KassaError("BOOKING_NOT_FOUND");
  return { ...(await loadOrderView(deps.db, order)), booking: viewBooking(booking) };
}
