import { crashPoint } from "../../crash-point.ts";
import {
  billTotals,
  clearStaging,
  kassaPaymentTotals,
  kassaRefundTotals,
} from "../../db/reconciliation-match-repo.ts";
import { beginPass, completeRun, markWaiting, openRun } from "../../db/reconciliation-runs-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { makeId } from "../../domain/ids.ts";
import type { ExternalChannelName } from "../../domain/payment.ts";
import { beijingDayWindow } from "../../domain/reconciliation.ts";
import type { AppDeps } from "../deps.ts";
import { type RunContext, recordFound, resolveUnseenDifferences } from "./difference-recorder.ts";
import { matchBillPayments, matchFees, matchPaidNotInBill } from "./match-payments.ts";
import { matchBillRefunds, matchRefundsNotInBill } from "./match-refunds.ts";
import { postDayFees } from "./post-fees.ts";
import { stageStatement } from "./stage-statement.ts";

export type ReconcileOutcome = { kind: "not_ready" } | { kind: "completed"; runId: string; pass: number };

/**
 * Reconciles one app's day at one channel (issue 11): the channel's statement (WeChat: the
 * trade and fund-flow bills, §5.7) is staged as it streams, then matched against Kassa's
 * payments in SQL, page by page, so memory stays bounded whatever the size of the day. Every
 * difference is recorded once per run (a re-run brings it up to date, resolves what is no
 * longer found, posts and alerts nothing twice), and the run keeps the day's report.
 *
 * No transaction spans a network call: the statement is read before any write of the pass,
 * each repair's query happens before its apply's own transaction.
 */
export async function reconcileDay(
  deps: AppDeps,
  input: { appId: string; channel: ExternalChannelName; day: string },
): Promise<ReconcileOutcome> {
  const window = beijingDayWindow(input.day);
  if (!window) throw new KassaError("REQUEST_INVALID", { day: input.day, issue: "must be YYYY-MM-DD" });
  const app = deps.apps.get(input.appId);
  const run = await openRun(deps.db, {
    id: makeId("reconciliation", deps.ids),
    appId: input.appId,
    channel: input.channel,
    day: input.day,
    now: deps.clock.now(),
  });
  const statement = await deps.apps.paymentChannel(input.appId, input.channel).statement(input.day);
  if (statement.status === "not_ready") {
    await markWaiting(deps.db, run.id, "the channel has not published the day's statement yet");
    return { kind: "not_ready" };
  }
  const pass = await beginPass(deps.db, run.id, deps.clock.now());
  const context: RunContext = {
    runId: run.id,
    appId: input.appId,
    channel: input.channel,
    day: input.day,
    pass,
  };
  try {
    await clearStaging(deps.db, run.id);
    const staged = await stageStatement(
      deps,
      context,
      statement.entries,
      deps.apps.account(app.id, input.channel).appId,
    );
    if (staged.totals && staged.totals.rows !== staged.tradeRowsRead) {
      await recordFound(deps, context, {
        class: "unreadable_row",
        subject: "trade:summary",
        detail: { summaryRows: staged.totals.rows, rowsRead: staged.tradeRowsRead },
        action: "the bill's summary counts another number of rows than it holds; apply for the bill again",
        status: "open",
      });
    }
    await matchBillPayments(deps, context);
    crashPoint("reconcile.mid-day");
    await matchPaidNotInBill(deps, context, window);
    await matchFees(deps, context);
    await matchBillRefunds(deps, context);
    await matchRefundsNotInBill(deps, context, window);
    const bill = await billTotals(deps.db, { runId: run.id, appId: input.appId });
    const kassa = await kassaPaymentTotals(deps.db, {
      appId: input.appId,
      channel: input.channel,
      ...window,
    });
    const kassaRefunds = await kassaRefundTotals(deps.db, {
      appId: input.appId,
      channel: input.channel,
      ...window,
    });
    const feesPostedFen = await postDayFees(deps, context, bill.feesFen);
    await resolveUnseenDifferences(deps, context);
    const now = deps.clock.now();
    await completeRun(
      deps.db,
      run.id,
      {
        billPayments: bill.payments,
        billPaymentsFen: bill.paymentsFen,
        billRefunds: bill.refunds,
        billRefundsFen: bill.refundsFen,
        billFeesFen: bill.feesFen,
        billUnreadable: staged.unreadable,
        kassaPayments: kassa.payments,
        kassaPaymentsFen: kassa.paymentsFen,
        kassaRefunds: kassaRefunds.refunds,
        kassaRefundsFen: kassaRefunds.refundsFen,
        feesPostedFen,
      },
      now,
    );
    return { kind: "completed", runId: run.id, pass };
  } finally {
    await statement.entries.return();
    await clearStaging(deps.db, run.id);
  }
}
