import type { Executor } from "../db/executor.ts";
import { findOrderById } from "../db/orders-repo.ts";
import { findPaymentOfOrder } from "../db/payments-repo.ts";
import { findRefundById, insertRefund, refundTotalsOf, reserveRefund } from "../db/refunds-repo.ts";
import { KassaError } from "../domain/errors.ts";
import { makeId } from "../domain/ids.ts";
import { toFen } from "../domain/money.ts";
import { isExternalChannel } from "../domain/payment.ts";
import { outRefundNoFor, type Refund } from "../domain/refund.ts";
import type { AppDeps } from "./deps.ts";
import { scheduleRefundQuery } from "./jobs.ts";
import { idempotentWrite, type MerchantWrite, type WriteAnswer } from "./merchant/idempotent-write.ts";
import { moveRefundAndBook } from "./refund-moves.ts";
import { type RefundView, viewRefund } from "./refund-view.ts";
import { submitRefund } from "./submit-refund.ts";
import { holdTipRefund } from "./tip/tip-refunds.ts";
import { holdTopUpRefund } from "./top-up-refund.ts";

/** The first query-back of a refund: if the answer to the create call never came, this finds out. */
export const FIRST_REFUND_QUERY_MS = 60_000;

export interface RefundRequest {
  appId: string;
  orderId: string;
  amountFen: number;
  reason: string | undefined;
  returnStock: boolean;
}

/**
 * Refund part or all of a paid order (issue 9 §2), in three steps and never a transaction
 * across the channel call (design.md convention 3):
 * 1. record the intent: in one transaction, the amount is reserved against what the payment
 *    captured (the database refuses more, migration 0007), the refund is written PROCESSING
 *    with its out_refund_no, and its query-back is scheduled, so a crash after this commit
 *    still reaches the channel;
 * 2. ask the channel, with no transaction open;
 * 3. record its answer (submit-refund.ts).
 * The Idempotency-Key covers step 1: a replay answers the refund as first recorded, and makes
 * no second refund.
 */
export async function requestRefund(
  deps: AppDeps,
  write: MerchantWrite,
  input: RefundRequest,
): Promise<WriteAnswer & { replayed: boolean }> {
  const answer = await idempotentWrite(deps, write, async (trx) => ({
    status: 201,
    body: viewRefund(await recordRefundIntent(deps, trx, input)),
  }));
  if (answer.replayed) return answer;
  return { ...answer, body: await submitRecordedRefund(deps, (answer.body as RefundView).id) };
}

/**
 * Step 2 and 3 for a refund whose intent was just committed (by requestRefund, or by an
 * operator's approval in the console): ask the channel, record its answer.
 */
export async function submitRecordedRefund(deps: AppDeps, refundId: string): Promise<RefundView> {
  const recorded = await findRefundById(deps.db, refundId);
  if (!recorded) throw new Error("a refund recorded a moment ago is gone");
  // A refund to the wallet succeeded in the intent's own transaction: no channel to ask.
  if (!isExternalChannel(recorded.channel)) return viewRefund(recorded);
  return viewRefund(await submitRefund(deps, recorded));
}

/**
 * Could this refund be recorded now? The checks of recordRefundIntent, without reserving:
 * for a refund that waits for a second operator, so a hopeless one is refused at once (the
 * intent checks again, and reserves, when it is approved).
 */
export async function assertRefundable(
  trx: Executor,
  input: { appId: string; orderId: string; amountFen: number },
): Promise<void> {
  const order = await findOrderById(trx, input.orderId);
  if (!order || order.appId !== input.appId) throw new KassaError("ORDER_NOT_FOUND");
  const payment = await findPaymentOfOrder(trx, order.id);
  if (payment?.status !== "PAID") throw new KassaError("ORDER_NOT_REFUNDABLE", { status: order.status });
  const totals = await refundTotalsOf(trx, payment.id);
  const refundableFen = totals ? totals.capturedFen - totals.reservedFen : payment.amountFen;
  if (input.amountFen > refundableFen) throw new KassaError("REFUND_AMOUNT_TOO_LARGE", { refundableFen });
}

export async function recordRefundIntent(
  deps: AppDeps,
  trx: Executor,
  input: RefundRequest,
): Promise<Refund> {
  const order = await findOrderById(trx, input.orderId);
  if (!order || order.appId !== input.appId) throw new KassaError("ORDER_NOT_FOUND");
  const payment = await findPaymentOfOrder(trx, order.id);
  if (payment?.status !== "PAID") throw new KassaError("ORDER_NOT_REFUNDABLE", { status: order.status });
  const now = deps.clock.now();
  if (!(await reserveRefund(trx, { payment, amountFen: input.amountFen, now }))) {
    const totals = await refundTotalsOf(trx, payment.id);
    const refundableFen = totals ? totals.capturedFen - totals.reservedFen : payment.amountFen;
    throw new KassaError("REFUND_AMOUNT_TOO_LARGE", { refundableFen });
  }
  const id = makeId("refund", deps.ids);
  // A top-up refunds at most its unspent part, its bonus forfeited first (top-up-refund.ts).
  if (order.kind === "top_up")
    await holdTopUpRefund(deps, trx, { order, payment, refundId: id, amountFen: input.amountFen, now });
  // A tip refunds at most what its recipient is still owed (tip/tip-refunds.ts).
  if (order.kind === "tip")
    await holdTipRefund(deps, trx, {
      orderId: order.id,
      appId: order.appId,
      refundId: id,
      amountFen: input.amountFen,
      now,
    });
  const refund: Refund = {
    id,
    appId: order.appId,
    orderId: order.id,
    paymentId: payment.id,
    channel: payment.channel,
    outRefundNo: outRefundNoFor(id),
    amountFen: toFen(input.amountFen),
    reason: input.reason ?? null,
    status: "PROCESSING",
    channelRefundId: null,
    returnStock: input.returnStock,
    settledOffline: false,
    lastError: null,
    createdAt: now,
    updatedAt: now,
    succeededAt: null,
    closedAt: null,
  };
  await insertRefund(trx, refund);
  if (!isExternalChannel(payment.channel)) return refundToWallet(deps, trx, refund);
  await scheduleRefundQuery({ ...deps, db: trx }, id, FIRST_REFUND_QUERY_MS);
  return refund;
}

/**
 * A purchase paid from the wallet is refunded to the wallet (issue 9 §3): no channel holds
 * the money, so the refund succeeds in the transaction that records it, through the one path
 * of refund moves, which books `wallet_refund` (Dr refunds / Cr wallet) with it.
 */
async function refundToWallet(deps: AppDeps, trx: Executor, refund: Refund): Promise<Refund> {
  const moved = await moveRefundAndBook(deps, trx, { refund, event: "channel_succeeded" });
  if (!moved) throw new Error(`wallet refund ${refund.id} could not succeed`);
  return moved;
}
