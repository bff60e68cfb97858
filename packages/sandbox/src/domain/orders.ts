import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import { newTransactionId } from "../ids.ts";
import { WechatApiError } from "../wechat-error.ts";
import { type OrderRecord, orderKey } from "./order-record.ts";
import { nextOrderState, type OrderEvent } from "./order-state.ts";

/**
 * What happens to an order after prepay: payment (called by the payer's cashier), close
 * (§5.3), expiry at time_expire, and lookups (§5.2). Every state change goes through
 * `transitionOrder`, i.e. through the table of order-state.ts.
 */

export const ORDER_EXPIRE_JOB = "order.expire";

export function registerOrderJobs(ctx: SandboxContext): void {
  ctx.scheduler.register(ORDER_EXPIRE_JOB, async (job) => {
    const order = ctx.tables.orders.get((job.payload as { key: string }).key);
    // Paid or closed meanwhile: expiry no longer applies (the job is idempotent).
    if (order?.state !== "NOTPAY") return;
    transitionOrder(ctx, order, "expire");
    order.closedBy = "expire";
    await ctx.store.commit();
  });
}

export function findOrder(ctx: SandboxContext, mchid: string, outTradeNo: string): OrderRecord | undefined {
  return ctx.tables.orders.get(orderKey(mchid, outTradeNo));
}

export function findOrderByTransactionId(
  ctx: SandboxContext,
  mchid: string,
  transactionId: string,
): OrderRecord | undefined {
  for (const order of ctx.tables.orders.iterate()) {
    if (order.transactionId === transactionId && order.mchid === mchid) return order;
  }
  return undefined;
}

/** Apply one event through the transition table; leaving NOTPAY cancels the expiry job. */
export function transitionOrder(ctx: SandboxContext, order: OrderRecord, event: OrderEvent): void {
  const to = nextOrderState(order.state, event);
  if (order.state === "NOTPAY" && to !== "NOTPAY" && order.expiryJobId) {
    ctx.scheduler.cancel(order.expiryJobId);
    delete order.expiryJobId;
  }
  order.state = to;
  order.stateChangedAt = ctx.clock.now();
}

/**
 * The payer paid: SUCCESS with a transaction_id, bank_type and success_time. The caller
 * (the cashier) then schedules the TRANSACTION.SUCCESS notification. Refused with
 * ORDER_TRANSITION_REFUSED unless the order is NOTPAY and before its time_expire.
 */
export async function markPaid(
  ctx: SandboxContext,
  order: OrderRecord,
  bankType = "OTHERS",
): Promise<OrderRecord> {
  await ctx.scheduler.runDueIfIdle(); // an order whose time_expire has passed is closed first
  const now = ctx.clock.now();
  if (order.state === "NOTPAY" && now >= order.timeExpire) {
    throw new SandboxError(
      "ORDER_TRANSITION_REFUSED",
      `order ${order.outTradeNo} expired at its time_expire`,
    );
  }
  transitionOrder(ctx, order, "pay");
  order.transactionId = newTransactionId(ctx.random.stream("ids"), now);
  order.bankType = bankType;
  order.successTime = now;
  order.payerTotal = order.amountTotal; // no coupons in the simulator: the payer pays the total
  await ctx.store.commit();
  return order;
}

/**
 * §5.3: close answers 204 for an unknown order and for one already closed; only the
 * format is checked. A paid order cannot be closed: `ORDERPAID` (§5.8 notes it as the
 * v2 code; the v3 behaviour is UNCONFIRMED, and a client should handle it as "paid").
 */
export async function closeOrder(ctx: SandboxContext, mchid: string, outTradeNo: string): Promise<void> {
  const order = findOrder(ctx, mchid, outTradeNo);
  if (!order || order.state === "CLOSED") return;
  if (order.state === "SUCCESS" || order.state === "REFUND") {
    throw new WechatApiError("ORDERPAID", `order ${outTradeNo} is paid and cannot be closed; query it`);
  }
  transitionOrder(ctx, order, "close");
  order.closedBy = "close";
  await ctx.store.commit();
}
