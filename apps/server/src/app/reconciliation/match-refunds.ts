import { ChannelError } from "../../channels/channel-error.ts";
import { billRefundsNotMatched, refundsNotInBill } from "../../db/reconciliation-match-repo.ts";
import { findRefundByOutRefundNo } from "../../db/refunds-repo.ts";
import { isExternalChannel } from "../../domain/payment.ts";
import { compareRefund } from "../../domain/reconciliation.ts";
import { applyRefundState } from "../apply-refund-state.ts";
import type { AppDeps } from "../deps.ts";
import { type FoundDifference, type RunContext, recordFound } from "./difference-recorder.ts";
import { eachPage, MATCH_PAGE } from "./match-payments.ts";

/**
 * The bill's refunds against Kassa's, all of one class, `refund_differs`. A refund Kassa
 * still holds as PROCESSING where the bill shows it settled is repaired at once: the channel
 * is asked, and what it says is applied by the path every refund answer, notification and
 * query takes (applyRefundState), so the ledger books it once. Anything else stays open.
 */
export async function matchBillRefunds(deps: AppDeps, run: RunContext): Promise<void> {
  await eachPage(
    (afterKey) =>
      billRefundsNotMatched(deps.db, { runId: run.runId, appId: run.appId, afterKey, limit: MATCH_PAGE }),
    (row) => row.entryKey,
    async (row) => {
      const kassa =
        row.refundStatus === null || row.refundAmountFen === null
          ? undefined
          : { status: row.refundStatus, amountFen: row.refundAmountFen };
      const comparison = compareRefund({ amountFen: row.billAmountFen, status: row.billStatus }, kassa);
      if (comparison.outcome === "matched") return;
      const found: FoundDifference = {
        class: "refund_differs",
        subject: row.entryKey,
        outTradeNo: row.outTradeNo ?? undefined,
        outRefundNo: row.entryKey,
        billAmountFen: row.billAmountFen,
        kassaAmountFen: kassa?.amountFen,
        detail: {
          why: comparison.why,
          bill: { status: row.billStatus, channelRefundId: row.channelRefundId },
          kassa: kassa ? { refundId: row.refundId, status: kassa.status } : null,
        },
        action: kassa
          ? "compare the refund at the channel's merchant platform; Kassa changed nothing"
          : "a refund Kassa did not make (on the merchant platform?): record it by hand, or find who made it",
        status: "open",
      };
      const repaired =
        comparison.repair && row.outTradeNo ? await repair(deps, row.outTradeNo, row.entryKey) : undefined;
      await recordFound(deps, run, repaired ? { ...found, ...repaired } : found);
    },
  );
}

/** Ask the channel about a stale refund and apply its word; resolved when Kassa then agrees. */
async function repair(
  deps: AppDeps,
  outTradeNo: string,
  outRefundNo: string,
): Promise<Pick<FoundDifference, "action" | "status"> | undefined> {
  const refund = await findRefundByOutRefundNo(deps.db, outRefundNo);
  // A wallet refund is in no channel's bill; one of another channel is not this bill's.
  if (!refund || !isExternalChannel(refund.channel)) return undefined;
  let why: string;
  try {
    const channel = deps.apps.paymentChannel(refund.appId, refund.channel);
    const truth = await channel.queryRefund({ outTradeNo, outRefundNo });
    if (truth.state === "found") await applyRefundState(deps, truth.refund, { kind: "query" });
    const after = await findRefundByOutRefundNo(deps.db, outRefundNo);
    if (after && after.status !== "PROCESSING")
      return {
        action: `asked the channel and applied its answer: the refund is ${after.status}`,
        status: "resolved",
      };
    why = truth.state === "found" ? `it says ${truth.refund.status}` : "it has no such refund";
  } catch (error) {
    // Unreachable: the pass fails and the job runs the day again.
    if (error instanceof ChannelError && error.kind === "unavailable") throw error;
    why = `it did not answer (${error instanceof Error ? error.message : String(error)})`;
  }
  return { action: `asked the channel, and ${why}; the next run of the day asks again`, status: "open" };
}

/** Kassa's refunds of the day that the channel took but its bill does not list. */
export async function matchRefundsNotInBill(
  deps: AppDeps,
  run: RunContext,
  window: { start: number; end: number },
): Promise<void> {
  await eachPage(
    (afterKey) =>
      refundsNotInBill(deps.db, {
        runId: run.runId,
        appId: run.appId,
        channel: run.channel,
        ...window,
        afterKey,
        limit: MATCH_PAGE,
      }),
    (row) => row.outRefundNo,
    (row) =>
      recordFound(deps, run, {
        class: "refund_differs",
        subject: row.outRefundNo,
        outTradeNo: row.outTradeNo,
        outRefundNo: row.outRefundNo,
        kassaAmountFen: row.amountFen,
        detail: { why: "not in the bill", kassa: { refundId: row.refundId, status: row.status } },
        action:
          "the channel took this refund but its bill of the day does not list it: look it up at the channel's merchant platform",
        status: "open",
      }),
  );
}
