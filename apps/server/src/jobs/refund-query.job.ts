import { applyRefundState } from "../app/apply-refund-state.ts";
import { submitRefund } from "../app/submit-refund.ts";
import { findPaymentById } from "../db/payments-repo.ts";
import { findRefundById } from "../db/refunds-repo.ts";
import type { JobHandler } from "./job-handler.ts";

/** Poll gaps while a refund is processing: refunds to a card can take days (§5.4). */
const POLL_GAPS_MS = [60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];

/**
 * Query-back of a PROCESSING refund (§5.5): the channel's state is applied like a
 * notification. A refund the channel has never seen (the create call never reached it, or
 * its answer was lost before it was made, or Kassa stopped between the intent and the call)
 * is asked for again under the same out_refund_no, never a new one. The job ends when the
 * refund leaves PROCESSING: an ABNORMAL one waits for the channel's notification or an
 * operator (who may send it back to PROCESSING, which schedules this again). A failed query
 * is thrown and retried by the worker with backoff.
 */
export const refundQueryJob: JobHandler<"refund.query"> = async (deps, { refundId }, job) => {
  const refund = await findRefundById(deps.db, refundId);
  if (refund?.status !== "PROCESSING") return { kind: "done" };
  const payment = await findPaymentById(deps.db, refund.paymentId);
  if (!payment) return { kind: "done" };
  const truth = await deps.apps.channelOf(payment).queryRefund({
    outTradeNo: payment.outTradeNo,
    outRefundNo: refund.outRefundNo,
  });
  if (truth.state === "found") await applyRefundState(deps, truth.refund, { kind: "query" });
  const after =
    truth.state === "found" ? await findRefundById(deps.db, refundId) : await submitRefund(deps, refund);
  if (after?.status !== "PROCESSING") return { kind: "done" };
  const gap = POLL_GAPS_MS[Math.min(job.attempts - 1, POLL_GAPS_MS.length - 1)] ?? 3_600_000;
  return { kind: "again", runAt: deps.clock.now() + gap, note: `channel says ${truth.state}` };
};
