import { ChannelError, type PaymentPayload, type Prepared } from "../channels/payment-channel.ts";
import { crashPoint } from "../crash-point.ts";
import { findOrderById, findOrderForUser } from "../db/orders-repo.ts";
import { claimPrepayLease, releasePrepayLease, savePrepay } from "../db/payments-repo.ts";
import { inTransaction } from "../db/transaction.ts";
import { findUserOpenid } from "../db/users-repo.ts";
import { KassaError } from "../domain/errors.ts";
import type { Order } from "../domain/order.ts";
import type { Payment } from "../domain/payment.ts";
import { channelFailure } from "./channel-failure.ts";
import { closeLatePrepay, livePayment } from "./close-order.ts";
import type { AppDeps } from "./deps.ts";
import { scheduleOrderQuery } from "./jobs.ts";

/**
 * One pay call at a time may prepay, and a close waits while the lease is live. It outlives
 * the client's whole retry budget (3 attempts of 10 s, plus backoff); a prepay that still
 * lands later is refused by savePrepay and closed (closeLatePrepay).
 */
const PREPAY_LEASE_MS = 60_000;
/** How long a pay call waits for another call's prepay before answering "unknown". */
const WAIT_FOR_OTHER_PREPAY_MS = 30_000;
const WAIT_STEP_MS = 100;

/**
 * Step 3 of product.md: prepay at WeChat Pay, or reuse the still-valid prepay, and return the
 * `wx.requestPayment` parameters. Concurrent calls make one prepay: one takes the lease, the
 * others wait for its prepay_id. No transaction is held across the channel call
 * (convention 3); the parameters sent are the same on every call, so a retry after a lost
 * answer is the same prepay at WeChat Pay, never a second charge.
 */
export async function payOrder(
  deps: AppDeps,
  input: { userId: string; orderId: string },
): Promise<PaymentPayload> {
  const deadline = deps.clock.now() + WAIT_FOR_OTHER_PREPAY_MS;
  for (;;) {
    const order = await findOrderForUser(deps.db, input.orderId, input.userId);
    if (!order) throw new KassaError("ORDER_NOT_FOUND");
    const payment = await livePayment(deps, order);
    const now = deps.clock.now();
    if (payment.status !== "PENDING" || now >= payment.expiresAt) {
      throw new KassaError("ORDER_NOT_PAYABLE", { status: order.status });
    }
    if (payment.prepayId && payment.prepayExpiresAt !== null && payment.prepayExpiresAt > now) {
      return deps.apps.channelOf(payment).payload(payment.prepayId);
    }
    if (await claimPrepayLease(deps.db, payment.id, now, PREPAY_LEASE_MS))
      return prepay(deps, order, payment);
    if (now >= deadline) throw new KassaError("CHANNEL_OUTCOME_UNKNOWN");
    await new Promise((resolve) => setTimeout(resolve, WAIT_STEP_MS));
  }
}

async function prepay(deps: AppDeps, order: Order, payment: Payment): Promise<PaymentPayload> {
  const channel = deps.apps.channelOf(payment);
  const openid = await findUserOpenid(deps.db, order.userId);
  if (!openid) throw new Error(`order ${order.id} has no user`);
  let prepared: Prepared;
  try {
    prepared = await channel.prepay({
      outTradeNo: payment.outTradeNo,
      description: order.description,
      amountFen: payment.amountFen,
      payerId: openid,
      expiresAt: payment.expiresAt,
      notifyUrl: deps.apps.get(payment.appId).notifyUrl(channel.name),
    });
  } catch (error) {
    await releasePrepayLease(deps.db, payment.id);
    // The prepay may have happened (lost answer), or WeChat Pay may know the order as paid or
    // closed (ORDERPAID, ORDER_CLOSED): ask it soon rather than guess.
    if (error instanceof ChannelError && error.kind !== "unavailable")
      await scheduleOrderQuery(deps, order.id, 5_000);
    throw channelFailure(error);
  }
  crashPoint("prepay.answered");
  const now = deps.clock.now();
  const saved = await inTransaction(deps.db, async (trx) => {
    const stored = await savePrepay(trx, {
      paymentId: payment.id,
      // The channel's reference (WeChat: the prepay_id) and how long it may be handed out (§5.1).
      prepayId: prepared.reference,
      prepayExpiresAt: prepared.reusableUntil,
      now,
    });
    // Query-back while the order is pending (reference §4.6: notifications may never come).
    if (stored) await scheduleOrderQuery({ ...deps, db: trx }, order.id, 60_000);
    return stored;
  });
  if (!saved) {
    // Cancelled or expired while this prepay was in flight: never hand it out, and close
    // the order WeChat Pay now knows (issue 7).
    await releasePrepayLease(deps.db, payment.id);
    await closeLatePrepay(deps, order.id);
    const latest = await findOrderById(deps.db, order.id);
    throw new KassaError("ORDER_NOT_PAYABLE", { status: latest?.status ?? "CLOSED" });
  }
  return channel.payload(prepared.reference);
}
