import type { StatementEntry } from "../../channels/statement.ts";
import { type StagedRow, stageRows } from "../../db/reconciliation-match-repo.ts";
import type { AppDeps } from "../deps.ts";
import { type RunContext, recordFound } from "./difference-recorder.ts";

/** Rows per insert: small enough for SQLite's limit on bound values, large enough to be fast. */
const BATCH = 500;

export interface StagedStatement {
  unreadable: number;
  /** Trade rows read (every app's, and the unreadable ones) against what the bill's summary says. */
  tradeRowsRead: number;
  totals: Extract<StatementEntry, { kind: "totals" }> | undefined;
}

/**
 * Reads the statement's entries once, as they stream, into the staging table in batches:
 * this app's payments and refunds (a merchant's bill lists all its apps), every fee
 * movement (the fund flow is the merchant's; fees are told apart by their payment later),
 * and an `unreadable_row` difference for each row the channel's parser could not read.
 */
export async function stageStatement(
  deps: AppDeps,
  run: RunContext,
  entries: AsyncIterable<StatementEntry>,
  channelAppId: string,
): Promise<StagedStatement> {
  const staged: StagedStatement = { unreadable: 0, tradeRowsRead: 0, totals: undefined };
  let batch: StagedRow[] = [];
  const flush = async () => {
    const twice = await stageRows(deps.db, batch);
    batch = [];
    for (const row of twice) {
      staged.unreadable += 1;
      await recordFound(deps, run, {
        class: "unreadable_row",
        subject: `twice:${row.kind}:${row.entry_key}`,
        outTradeNo: row.out_trade_no ?? undefined,
        outRefundNo: row.out_refund_no ?? undefined,
        billAmountFen: row.amount_fen,
        detail: { problem: `the statement lists this ${row.kind} more than once; the first row was matched` },
        action: "matched the first row; ask the channel which row is right",
        status: "open",
      });
    }
  };
  for await (const entry of entries) {
    if (
      entry.kind === "payment" ||
      entry.kind === "refund" ||
      (entry.kind === "unreadable" && entry.source === "trade")
    )
      staged.tradeRowsRead += 1;
    const row = rowOf(run.runId, entry, channelAppId);
    if (row) batch.push(row);
    if (batch.length >= BATCH) await flush();
    if (entry.kind === "totals") staged.totals = entry;
    if (entry.kind === "unreadable") {
      staged.unreadable += 1;
      await recordFound(deps, run, {
        class: "unreadable_row",
        subject: `${entry.source}:${entry.line}`,
        outTradeNo: entry.outTradeNo,
        outRefundNo: entry.outRefundNo,
        detail: { source: entry.source, line: entry.line, problem: entry.problem },
        action: "left out of the match; read the row in the channel's bill and settle it by hand",
        status: "open",
      });
    }
  }
  await flush();
  return staged;
}

function rowOf(runId: string, entry: StatementEntry, channelAppId: string): StagedRow | undefined {
  switch (entry.kind) {
    case "payment":
      if (entry.appId !== channelAppId) return undefined;
      return {
        run_id: runId,
        kind: "payment",
        entry_key: entry.outTradeNo,
        out_trade_no: entry.outTradeNo,
        out_refund_no: null,
        channel_id: entry.transactionId,
        reference: null,
        status: entry.status,
        amount_fen: entry.amountFen,
        fee_milli_fen: entry.feeMilliFen,
        at: entry.at,
      };
    case "refund":
      if (entry.appId !== channelAppId) return undefined;
      return {
        run_id: runId,
        kind: "refund",
        entry_key: entry.outRefundNo,
        out_trade_no: entry.outTradeNo,
        out_refund_no: entry.outRefundNo,
        channel_id: entry.refundId,
        reference: null,
        status: entry.status,
        amount_fen: entry.amountFen,
        fee_milli_fen: entry.feeMilliFen,
        at: entry.at,
      };
    case "fee":
      return {
        run_id: runId,
        kind: "fee",
        entry_key: entry.movementId,
        out_trade_no: null,
        out_refund_no: null,
        channel_id: entry.movementId,
        reference: entry.reference,
        status: null,
        amount_fen: entry.amountFen,
        fee_milli_fen: 0,
        at: entry.at,
      };
    case "unreadable":
    case "totals":
      return undefined;
  }
}
