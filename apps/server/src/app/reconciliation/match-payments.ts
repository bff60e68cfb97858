import { ChannelError } from "../../channels/channel-error.ts";
import { findPaymentByOutTradeNo } from "../../db/payments-repo.ts";
import {
  billPaymentsNotMatched,
  feesNotMatched,
  paidPaymentsNotInBill,
} from "../../db/reconciliation-match-repo.ts";
import { comparePayment } from "../../domain/reconciliation.ts";
import type { AppDeps } from "../deps.ts";
import { syncPaymentWithChannel } from "../sync-payment.ts";
import { type FoundDifference, type RunContext, recordFound } from "./difference-recorder.ts";

/** Rows per page of a matching query: what memory holds, whatever the day's size. */
export const MATCH_PAGE = 500;

/** Reads a keyed query page by page, handing each row on. */
export async function eachPage<Row>(
  read: (afterKey: string) => Promise<Row[]>,
  keyOf: (row: Row) => string,
  handle: (row: Row) => Promise<void>,
): Promise<void> {
  for (let afterKey = ""; ; ) {
    const page = await read(afterKey);
    for (const row of page) await handle(row);
    const last = page.at(-1);
    if (page.length < MATCH_PAGE || last === undefined) return;
    afterKey = keyOf(last);
  }
}

/**
 * The bill's payments against Kassa's. A payment the bill lists that Kassa has as pending
 * (a lost notification) or closed is repaired at once: the channel is asked (§5.2) and what
 * it says is applied by the one path every notification and query takes (applyPayment).
 */
export async function matchBillPayments(deps: AppDeps, run: RunContext): Promise<void> {
  await eachPage(
    (afterKey) =>
      billPaymentsNotMatched(deps.db, { runId: run.runId, appId: run.appId, afterKey, limit: MATCH_PAGE }),
    (row) => row.entryKey,
    async (row) => {
      const kassa =
        row.paymentStatus === null || row.paymentAmountFen === null
          ? undefined
          : { status: row.paymentStatus, amountFen: row.paymentAmountFen };
      const comparison = comparePayment({ amountFen: row.billAmountFen, status: row.billStatus }, kassa);
      if (comparison.outcome === "matched") return;
      const found: FoundDifference = {
        class: comparison.class,
        subject: row.entryKey,
        outTradeNo: row.entryKey,
        billAmountFen: row.billAmountFen,
        kassaAmountFen: kassa?.amountFen,
        detail: {
          why: comparison.why,
          bill: { status: row.billStatus, transactionId: row.transactionId },
          kassa: kassa ? { paymentId: row.paymentId, status: kassa.status } : null,
        },
        action: OPEN_ACTIONS[comparison.class],
        status: "open",
      };
      const repaired = comparison.repair ? await repair(deps, row.entryKey) : undefined;
      await recordFound(deps, run, repaired ? { ...found, ...repaired } : found);
    },
  );
}

/** What the operator is told to do about an open difference of each class. */
const OPEN_ACTIONS = {
  missing_in_kassa:
    "no payment with this out_trade_no in Kassa: find who made it at the channel, then refund it there or record it by hand",
  missing_in_bill:
    "look the payment up at the channel: if it is not there, Kassa holds a payment that never happened; escalate before refunding or fulfilling",
  amount_differs: "compare the amounts at the channel's merchant platform; Kassa changed nothing",
  status_differs:
    "the channel no longer holds this payment as paid; check it at the channel before fulfilling",
  refund_differs: "compare the refund at the channel's merchant platform; Kassa changed nothing",
  fee_differs:
    "the fund flow booked another fee than the trade bill states; the booked fee was posted, ask the channel",
  unreadable_row: "read the row in the channel's bill and settle it by hand",
} as const;

/**
 * Ask the channel and apply what it says, by the path confirm and query-back take
 * (syncPaymentWithChannel: the query is on the order's timeline, the apply is applyPayment);
 * what was done, or nothing to resolve by when Kassa has no such payment.
 */
async function repair(
  deps: AppDeps,
  outTradeNo: string,
): Promise<Pick<FoundDifference, "action" | "status" | "kassaAmountFen"> | undefined> {
  const payment = await findPaymentByOutTradeNo(deps.db, outTradeNo);
  if (!payment) return undefined;
  let state: Awaited<ReturnType<typeof syncPaymentWithChannel>>;
  try {
    state = await syncPaymentWithChannel(deps, payment, "reconciliation");
  } catch (error) {
    // Unreachable: the pass fails and the job runs the day again; anything else stays open.
    if (error instanceof ChannelError && error.kind === "unavailable") throw error;
    const why = error instanceof Error ? error.message : String(error);
    return {
      action: `asked the channel, which did not answer (${why}); the next run of the day asks again`,
      status: "open",
    };
  }
  if (state.state !== "paid") {
    return {
      action: `asked the channel, which says ${state.state} although its bill says paid; check it at the channel`,
      status: "open",
    };
  }
  const after = await findPaymentByOutTradeNo(deps.db, outTradeNo);
  if (after?.status !== "PAID") {
    return {
      action: "asked the channel (paid) but Kassa refused to apply it; see the payment's alert",
      status: "open",
    };
  }
  const overClose =
    payment.status === "CLOSED" ? " over the close (alert paid_after_close: fulfil or refund)" : "";
  return {
    action: `asked the channel (paid) and applied the payment${overClose}: the order is PAID`,
    status: "resolved",
    kassaAmountFen: payment.amountFen,
  };
}

/** Kassa's paid payments of the day that the bill does not list. */
export async function matchPaidNotInBill(
  deps: AppDeps,
  run: RunContext,
  window: { start: number; end: number },
): Promise<void> {
  await eachPage(
    (afterKey) =>
      paidPaymentsNotInBill(deps.db, {
        runId: run.runId,
        appId: run.appId,
        channel: run.channel,
        ...window,
        afterKey,
        limit: MATCH_PAGE,
      }),
    (row) => row.outTradeNo,
    (row) =>
      recordFound(deps, run, {
        class: "missing_in_bill",
        subject: row.outTradeNo,
        outTradeNo: row.outTradeNo,
        kassaAmountFen: row.amountFen,
        detail: { kassa: { paymentId: row.paymentId, status: "PAID", transactionId: row.transactionId } },
        action: OPEN_ACTIONS.missing_in_bill,
        status: "open",
      }),
  );
}

/** Each paid payment's booked fee (fund flow) against the trade bill's fee for it. */
export async function matchFees(deps: AppDeps, run: RunContext): Promise<void> {
  await eachPage(
    (afterKey) => feesNotMatched(deps.db, { runId: run.runId, afterKey, limit: MATCH_PAGE }),
    (row) => row.outTradeNo,
    (row) =>
      recordFound(deps, run, {
        class: "fee_differs",
        subject: row.outTradeNo,
        outTradeNo: row.outTradeNo,
        billAmountFen: row.tradeFeeFen,
        ledgerAmountFen: row.bookedFeeFen,
        detail: { tradeBillFeeFen: row.tradeFeeFen, fundFlowFeeFen: row.bookedFeeFen },
        action: OPEN_ACTIONS.fee_differs,
        status: "open",
      }),
  );
}
