import type { Executor } from "../../db/executor.ts";
import { findOrderById } from "../../db/orders-repo.ts";
import { findRefundById, listRefundsOfOrder } from "../../db/refunds-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import type { Refund, RefundEvent } from "../../domain/refund.ts";
import type { AppDeps } from "../deps.ts";
import { scheduleRefundQuery } from "../jobs.ts";
import { moveRefundAndBook } from "../refund-moves.ts";
import { type RefundView, viewRefund } from "../refund-view.ts";

/** The merchant API's reads and operator actions on refunds; another app's ids are unknown. */
async function refundOfApp(db: Executor, appId: string, refundId: string): Promise<Refund> {
  const refund = await findRefundById(db, refundId);
  if (!refund || refund.appId !== appId) throw new KassaError("REFUND_NOT_FOUND");
  return refund;
}

export async function getAppRefund(
  deps: AppDeps,
  input: { appId: string; refundId: string },
): Promise<RefundView> {
  return viewRefund(await refundOfApp(deps.db, input.appId, input.refundId));
}

export async function listOrderRefunds(
  deps: AppDeps,
  input: { appId: string; orderId: string },
): Promise<{ data: RefundView[] }> {
  const order = await findOrderById(deps.db, input.orderId);
  if (!order || order.appId !== input.appId) throw new KassaError("ORDER_NOT_FOUND");
  return { data: (await listRefundsOfOrder(deps.db, order.id)).map(viewRefund) };
}

/**
 * An operator's decision on an ABNORMAL refund (§5.4: not final; the money could not reach
 * the payer), in the caller's transaction:
 * - retry: once the cause is fixed at WeChat Pay (the merchant platform's abnormal-refund
 *   page, or §5.6's API, which takes the payer's bank account and real name, personal data
 *   Kassa does not keep), Kassa follows the refund at the channel again: it is PROCESSING, and
 *   queried now and on the query-back schedule until the channel gives its final word;
 * - settle offline: the merchant paid the payer back by other means; the refund is SUCCESS,
 *   marked settled offline, and booked like any refund (§5.6: the money WeChat Pay holds for an
 *   abnormal refund goes out to a bank card, the payer's or the merchant's).
 */
export async function decideAbnormalRefund(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; refundId: string; decision: "retry" | "settle_offline" },
): Promise<RefundView> {
  const refund = await refundOfApp(trx, input.appId, input.refundId);
  const event: RefundEvent = input.decision === "retry" ? "retry_requested" : "settled_offline";
  const moved = await moveRefundAndBook(deps, trx, { refund, event });
  if (!moved) throw new KassaError("REFUND_NOT_ABNORMAL", { status: refund.status });
  if (moved.status === "PROCESSING") await scheduleRefundQuery({ ...deps, db: trx }, moved.id, 0);
  return viewRefund(moved);
}
