import type { Executor } from "../../db/executor.ts";
import {
  type DifferenceRow,
  findRun,
  listDifferences,
  listRuns,
  type RunRow,
} from "../../db/reconciliation-runs-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { idPattern } from "../../domain/ids.ts";
import type { ExternalChannelName } from "../../domain/payment.ts";
import { beijingDayWindow, latestReadyDay } from "../../domain/reconciliation.ts";
import type { AppDeps } from "../deps.ts";
import { scheduleJobOf } from "../jobs.ts";
import { decodeCursor, pageOfRows } from "../page-cursor.ts";

/** The merchant API's view of reconciliation (issue 11; docs/reconciliation.md). */

export interface RunView {
  id: string;
  day: string;
  channel: string;
  status: RunRow["status"];
  passes: number;
  bill: {
    payments: number;
    paymentsFen: number;
    refunds: number;
    refundsFen: number;
    feesFen: number;
    unreadableRows: number;
  };
  kassa: { payments: number; paymentsFen: number; refunds: number; refundsFen: number };
  ledger: { feesPostedFen: number };
  differences: { open: number; resolved: number };
  startedAt: string | null;
  completedAt: string | null;
  lastError: string | null;
}

export interface DifferenceView {
  id: string;
  class: string;
  status: DifferenceRow["status"];
  outTradeNo: string | null;
  outRefundNo: string | null;
  billAmountFen: number | null;
  kassaAmountFen: number | null;
  ledgerAmountFen: number | null;
  detail: Record<string, unknown>;
  action: string;
  alertId: string | null;
  createdAt: string;
  resolvedAt: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function viewRun(run: RunRow): RunView {
  return {
    id: run.id,
    day: run.day,
    channel: run.channel,
    status: run.status,
    passes: run.pass,
    bill: {
      payments: run.bill_payments,
      paymentsFen: run.bill_payments_fen,
      refunds: run.bill_refunds,
      refundsFen: run.bill_refunds_fen,
      feesFen: run.bill_fees_fen,
      unreadableRows: run.bill_unreadable,
    },
    kassa: {
      payments: run.kassa_payments,
      paymentsFen: run.kassa_payments_fen,
      refunds: run.kassa_refunds,
      refundsFen: run.kassa_refunds_fen,
    },
    ledger: { feesPostedFen: run.fees_posted_fen },
    differences: { open: run.differences_open, resolved: run.differences_resolved },
    startedAt: iso(run.started_at),
    completedAt: iso(run.completed_at),
    lastError: run.last_error,
  };
}

function viewDifference(row: DifferenceRow): DifferenceView {
  return {
    id: row.id,
    class: row.class,
    status: row.status,
    outTradeNo: row.out_trade_no,
    outRefundNo: row.out_refund_no,
    billAmountFen: row.bill_amount_fen,
    kassaAmountFen: row.kassa_amount_fen,
    ledgerAmountFen: row.ledger_amount_fen,
    detail: JSON.parse(row.detail) as Record<string, unknown>,
    action: row.action,
    alertId: row.alert_id,
    createdAt: new Date(row.created_at).toISOString(),
    resolvedAt: iso(row.resolved_at),
  };
}

const RUN_ID = idPattern("reconciliation");
const DIFFERENCE_ID = idPattern("difference");
/** A run's position in the list: its day as a number (20260314) and its id. */
const dayNumber = (day: string) => Number(day.replaceAll("-", ""));
const dayOf = (n: number) => {
  const digits = String(n).padStart(8, "0");
  return `${digits.slice(0, 4)}-${digits.slice(4, 6)}-${digits.slice(6, 8)}`;
};

/** The app's runs, newest day first: every channel's, or one channel's. */
export async function listAppRuns(
  deps: AppDeps,
  input: {
    appId: string;
    limit: number;
    cursor: string | undefined;
    channel?: ExternalChannelName | undefined;
  },
): Promise<{ data: RunView[]; nextCursor: string | null }> {
  const position = input.cursor === undefined ? undefined : decodeCursor(input.cursor, RUN_ID);
  const before = position && { day: dayOf(position.createdAt), id: position.id };
  const runs = await listRuns(deps.db, input.appId, {
    limit: input.limit + 1,
    before,
    channel: input.channel,
  });
  const { page, nextCursor } = pageOfRows(runs, input.limit, (row) => ({
    createdAt: dayNumber(row.day),
    id: row.id,
  }));
  return {
    data: page.map(viewRun),
    nextCursor,
  };
}

/** A day's report and a page of its differences. */
export async function getAppRun(
  deps: AppDeps,
  input: {
    appId: string;
    channel: ExternalChannelName;
    day: string;
    limit: number;
    cursor: string | undefined;
    status: "open" | "resolved" | undefined;
  },
): Promise<RunView & { differencePage: { data: DifferenceView[]; nextCursor: string | null } }> {
  const run = await findRun(deps.db, input.appId, input.channel, input.day);
  if (!run) throw new KassaError("RECONCILIATION_RUN_NOT_FOUND", { day: input.day, channel: input.channel });
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, DIFFERENCE_ID);
  const rows = await listDifferences(deps.db, run.id, {
    limit: input.limit + 1,
    after,
    status: input.status,
  });
  const { page, nextCursor } = pageOfRows(rows, input.limit, (row) => ({
    createdAt: row.created_at,
    id: row.id,
  }));
  return {
    ...viewRun(run),
    differencePage: {
      data: page.map(viewDifference),
      nextCursor,
    },
  };
}

/** §5.7: bills are kept 3 months; a day is ready after 10:00 Beijing time the next day. */
const OLDEST_DAY_MS = 92 * 24 * 3600_000;

/**
 * Runs a day again: the day's job is scheduled now (a no-op when it is already waiting to
 * run), in the caller's transaction; the worker does the work, and a re-run is idempotent.
 */
export async function scheduleRerun(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; channel: ExternalChannelName; day: string },
): Promise<{ day: string; channel: string; scheduled: true }> {
  // A day of a channel the app has no account with would be a job that can only fail.
  deps.apps.requireChannel(input.appId, input.channel);
  const now = deps.clock.now();
  const window = beijingDayWindow(input.day);
  if (!window || input.day > latestReadyDay(now) || window.start < now - OLDEST_DAY_MS) {
    throw new KassaError("RECONCILIATION_DAY_NOT_AVAILABLE", {
      day: input.day,
      latestReadyDay: latestReadyDay(now),
    });
  }
  await scheduleJobOf({ ...deps, db: trx }, "reconciliation.day", input, now);
  return { day: input.day, channel: input.channel, scheduled: true };
}
