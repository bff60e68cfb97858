import { findOrderById } from "../../db/orders-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import type { Order, OrderStatus } from "../../domain/order.ts";
import { isExternalChannel } from "../../domain/payment.ts";
import { channelFailure } from "../channel-failure.ts";
import { closeOrder, livePayment } from "../close-order.ts";
import type { AppDeps } from "../deps.ts";
import { syncPaymentWithChannel } from "../sync-payment.ts";
import { type Actor, audit } from "./audit.ts";

/**
 * An operator closes an unpaid order (issue 12): the payer's cancel, the channel first
 * (close-order.ts), so a payment that went through meanwhile makes it PAID, never CLOSED.
 * The audit entry records what the close came to; it is written after the close, which runs
 * its own transactions around the channel call (there is no one transaction to share).
 */
export async function closeOrderByOperator(
  deps: AppDeps,
  actor: Actor,
  order: Order,
): Promise<{ status: OrderStatus }> {
  if (order.status !== "PENDING" && order.status !== "CLOSING")
    throw new KassaError("ORDER_NOT_CLOSABLE", { status: order.status });
  const status = await closeOrder(deps, order, "cancel");
  await audit(deps, actor, {
    action: "order.close",
    objectType: "order",
    objectId: order.id,
    appId: order.appId,
    before: { status: order.status },
    after: { status },
  });
  return { status };
}

/**
 * An operator asks the channel again what happened to an order's payment (§5.2 query), as
 * the query-back job does: a payment it reports is applied, and the query shows in the
 * order's timeline. A payment from the wallet has no channel to ask: its state is Kassa's.
 */
export async function syncOrderByOperator(
  deps: AppDeps,
  actor: Actor,
  order: Order,
): Promise<{ status: OrderStatus; channelState: string | null }> {
  const payment = await livePayment(deps, order);
  let channelState: string | null = null;
  if (isExternalChannel(payment.channel)) {
    try {
      channelState = (await syncPaymentWithChannel(deps, payment, "operator")).state;
    } catch (error) {
      throw channelFailure(error);
    }
  }
  const status = (await findOrderById(deps.db, order.id))?.status ?? order.status;
  await audit(deps, actor, {
    action: "order.sync",
    objectType: "order",
    objectId: order.id,
    appId: order.appId,
    before: { status: order.status },
    after: { status, channelState },
  });
  return { status, channelState };
}
