import { ChannelError } from "../channels/payment-channel.ts";
import { crashPoint } from "../crash-point.ts";
import { findPaymentById } from "../db/payments-repo.ts";
import { findRefundById, noteChannelAnswer } from "../db/refunds-repo.ts";
import { inTransaction } from "../db/transaction.ts";
import { isExternalChannel } from "../domain/payment.ts";
import type { Refund } from "../domain/refund.ts";
import { applyRefundState } from "./apply-refund-state.ts";
import type { AppDeps } from "./deps.ts";
import { moveRefundAndBook } from "./refund-moves.ts";

/**
 * Ask the channel for a recorded refund, with no transaction open (design.md convention 3),
 * under the refund's own out_refund_no, and record what it answered. Called right after the
 * intent is recorded, and again by the query-back job when the channel says it never got it:
 * every call carries the same out_refund_no, so however many times it runs, the channel
 * makes one refund (§5.4: "the same out_refund_no refunds only once").
 *
 * - An answer (PROCESSING, or already final) is applied as the channel's word.
 * - A failure whose outcome is unknown (a lost answer, a timeout, 429/5xx, §5.8) leaves the
 *   refund PROCESSING, with the failure noted; the query-back job finds out.
 * - A refusal (a business rejection) is checked by a query first (§5.8: on a refund's 429 "the
 *   refund may already be in progress, so query first"); only a refund the channel does not
 *   have is CLOSED, as refused, which releases its amount.
 * Returns the refund as it stands afterwards.
 */
export async function submitRefund(deps: AppDeps, refund: Refund): Promise<Refund> {
  const payment = await findPaymentById(deps.db, refund.paymentId);
  if (!payment || !isExternalChannel(payment.channel))
    throw new Error(`refund ${refund.id} has no channel payment to refund`);
  const channel = deps.apps.channelOf(payment);
  try {
    const answer = await channel.refund({
      outTradeNo: payment.outTradeNo,
      outRefundNo: refund.outRefundNo,
      amountFen: refund.amountFen,
      paidFen: payment.amountFen,
      ...(refund.reason === null ? {} : { reason: refund.reason }),
      notifyUrl: deps.apps.get(refund.appId).notifyUrl(payment.channel),
    });
    crashPoint("refund.answered");
    await applyRefundState(deps, answer, { kind: "answer" });
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    const lastError = `${error.kind}${error.channelCode ? ` ${error.channelCode}` : ""}`;
    deps.log.warn({ refundId: refund.id, lastError }, "refund not accepted by the channel");
    if (error.kind === "rejected") await refuseUnlessKnown(deps, refund, lastError);
    else await noteChannelAnswer(deps.db, { refundId: refund.id, lastError, now: deps.clock.now() });
  }
  const current = await findRefundById(deps.db, refund.id);
  if (!current) throw new Error(`refund ${refund.id} vanished`);
  return current;
}

async function refuseUnlessKnown(deps: AppDeps, refund: Refund, lastError: string): Promise<void> {
  const payment = await findPaymentById(deps.db, refund.paymentId);
  if (!payment) return;
  try {
    const known = await deps.apps.channelOf(payment).queryRefund({
      outTradeNo: payment.outTradeNo,
      outRefundNo: refund.outRefundNo,
    });
    if (known.state === "found") {
      await applyRefundState(deps, known.refund, { kind: "query" });
      return;
    }
  } catch (error) {
    if (!(error instanceof ChannelError)) throw error;
    // The query failed too: the refund stays PROCESSING, and the query-back job asks again.
    await noteChannelAnswer(deps.db, { refundId: refund.id, lastError, now: deps.clock.now() });
    return;
  }
  await inTransaction(deps.db, async (trx) => {
    const current = await findRefundById(trx, refund.id);
    if (current) await moveRefundAndBook(deps, trx, { refund: current, event: "channel_refused", lastError });
  });
}
