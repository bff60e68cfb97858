import type { Selectable } from "kysely";
import type { DifferenceClass } from "../domain/reconciliation.ts";
import type { Executor } from "./executor.ts";
import { pageAfter } from "./keyset-page.ts";
import type { ReconciliationDifferencesTable, ReconciliationRunsTable } from "./schema.ts";

/** A day's run and its differences (migration 0010): written by the job, read by the merchant API. */

export type RunRow = Selectable<ReconciliationRunsTable>;
export type DifferenceRow = Selectable<ReconciliationDifferencesTable>;

/** The run of (app, channel, day), made the first time the day is reconciled. */
export async function openRun(
  db: Executor,
  run: { id: string; appId: string; channel: string; day: string; now: number },
): Promise<RunRow> {
  await db
    .insertInto("reconciliation_runs")
    .values({
      id: run.id,
      app_id: run.appId,
      channel: run.channel,
      day: run.day,
      status: "waiting",
      created_at: run.now,
    })
    .onConflict((oc) => oc.columns(["app_id", "channel", "day"]).doNothing())
    .execute();
  return db
    .selectFrom("reconciliation_runs")
    .selectAll()
    .where("app_id", "=", run.appId)
    .where("channel", "=", run.channel)
    .where("day", "=", run.day)
    .executeTakeFirstOrThrow();
}

/** A new pass over the run: its number tells what this pass saw from what earlier ones did. */
export async function beginPass(db: Executor, runId: string, now: number): Promise<number> {
  const row = await db
    .updateTable("reconciliation_runs")
    .set((eb) => ({ status: "running", pass: eb("pass", "+", 1), started_at: now, last_error: null }))
    .where("id", "=", runId)
    .returning("pass")
    .executeTakeFirstOrThrow();
  return row.pass;
}

/** The channel has not published the day yet (§5.7): the job looks again later. */
export async function markWaiting(db: Executor, runId: string, note: string): Promise<void> {
  await db
    .updateTable("reconciliation_runs")
    .set({ status: "waiting", last_error: note })
    .where("id", "=", runId)
    .execute();
}

export interface RunReport {
  billPayments: number;
  billPaymentsFen: number;
  billRefunds: number;
  billRefundsFen: number;
  billFeesFen: number;
  billUnreadable: number;
  kassaPayments: number;
  kassaPaymentsFen: number;
  kassaRefunds: number;
  kassaRefundsFen: number;
  feesPostedFen: number;
}

/** The pass's report, and the run's difference counts as they stand after it. */
export async function completeRun(
  db: Executor,
  runId: string,
  report: RunReport,
  now: number,
): Promise<void> {
  const counts = await db
    .selectFrom("reconciliation_differences")
    .select((eb) => [
      eb.fn.countAll<number>().filterWhere("status", "=", "open").as("open"),
      eb.fn.countAll<number>().filterWhere("status", "=", "resolved").as("resolved"),
    ])
    .where("run_id", "=", runId)
    .executeTakeFirstOrThrow();
  await db
    .updateTable("reconciliation_runs")
    .set({
      status: "completed",
      bill_payments: report.billPayments,
      bill_payments_fen: report.billPaymentsFen,
      bill_refunds: report.billRefunds,
      bill_refunds_fen: report.billRefundsFen,
      bill_fees_fen: report.billFeesFen,
      bill_unreadable: report.billUnreadable,
      kassa_payments: report.kassaPayments,
      kassa_payments_fen: report.kassaPaymentsFen,
      kassa_refunds: report.kassaRefunds,
      kassa_refunds_fen: report.kassaRefundsFen,
      fees_posted_fen: report.feesPostedFen,
      differences_open: Number(counts.open),
      differences_resolved: Number(counts.resolved),
      completed_at: now,
      last_error: null,
    })
    .where("id", "=", runId)
    .execute();
}

export interface NewDifference {
  id: string;
  runId: string;
  appId: string;
  class: DifferenceClass;
  subject: string;
  outTradeNo: string | undefined;
  outRefundNo: string | undefined;
  billAmountFen: number | undefined;
  kassaAmountFen: number | undefined;
  ledgerAmountFen: number | undefined;
  detail: Record<string, unknown>;
  action: string;
  status: "open" | "resolved";
  pass: number;
  now: number;
}

/**
 * Records what a pass found: a new row the first time, else the same row brought up to
 * date (a re-run never adds a second). `created` tells the caller to raise the alert of a
 * new open difference; `reopened`, one that a later pass had resolved and is back.
 */
export async function recordDifference(
  db: Executor,
  difference: NewDifference,
): Promise<{ id: string; created: boolean; reopened: boolean }> {
  const values = {
    out_trade_no: difference.outTradeNo ?? null,
    out_refund_no: difference.outRefundNo ?? null,
    bill_amount_fen: difference.billAmountFen ?? null,
    kassa_amount_fen: difference.kassaAmountFen ?? null,
    ledger_amount_fen: difference.ledgerAmountFen ?? null,
    detail: JSON.stringify(difference.detail),
    action: difference.action,
    status: difference.status,
    pass: difference.pass,
    resolved_at: difference.status === "resolved" ? difference.now : null,
  };
  const inserted = await db
    .insertInto("reconciliation_differences")
    .values({
      id: difference.id,
      run_id: difference.runId,
      app_id: difference.appId,
      class: difference.class,
      subject: difference.subject,
      created_at: difference.now,
      ...values,
    })
    .onConflict((oc) => oc.columns(["run_id", "class", "subject"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, created: true, reopened: false };
  const earlier = await db
    .selectFrom("reconciliation_differences")
    .select(["id", "status"])
    .where("run_id", "=", difference.runId)
    .where("class", "=", difference.class)
    .where("subject", "=", difference.subject)
    .executeTakeFirstOrThrow();
  // A difference resolved by an action stays resolved: what was done is its record.
  const keepResolved = earlier.status === "resolved" && difference.status === "resolved";
  await db
    .updateTable("reconciliation_differences")
    .set(keepResolved ? { pass: difference.pass } : values)
    .where("id", "=", earlier.id)
    .execute();
  return {
    id: earlier.id,
    created: false,
    reopened: earlier.status === "resolved" && difference.status === "open",
  };
}

export async function setDifferenceAlert(db: Executor, differenceId: string, alertId: string): Promise<void> {
  await db
    .updateTable("reconciliation_differences")
    .set({ alert_id: alertId })
    .where("id", "=", differenceId)
    .execute();
}

const RESOLVED_UNSEEN = "not found again when the day was reconciled again";

/**
 * Open differences an earlier pass found and this one did not: the day is right now. Answers
 * them, with the alert each raised, so the caller resolves those alerts too.
 */
export async function resolveUnseen(
  db: Executor,
  runId: string,
  pass: number,
  now: number,
): Promise<{ id: string; alertId: string | null }[]> {
  const rows = await db
    .updateTable("reconciliation_differences")
    .set({
      status: "resolved",
      action: RESOLVED_UNSEEN,
      resolved_at: now,
    })
    .where("run_id", "=", runId)
    .where("status", "=", "open")
    .where("pass", "<", pass)
    .returning(["id", "alert_id"])
    .execute();
  return rows.map((row) => ({ id: row.id, alertId: row.alert_id }));
}

/** Whether an open difference (of any run) still stands behind the alert. */
export async function alertStillOpen(db: Executor, alertId: string): Promise<boolean> {
  const row = await db
    .selectFrom("reconciliation_differences")
    .select("id")
    .where("alert_id", "=", alertId)
    .where("status", "=", "open")
    .executeTakeFirst();
  return row !== undefined;
}

/** An app's runs, newest day first, paged by (day, id). */
export async function listRuns(
  db: Executor,
  appId: string,
  page: { limit: number; before?: { day: string; id: string } | undefined; channel?: string | undefined },
): Promise<RunRow[]> {
  let query = db.selectFrom("reconciliation_runs").selectAll().where("app_id", "=", appId);
  if (page.channel) query = query.where("channel", "=", page.channel);
  const before = page.before;
  if (before) {
    query = query.where((eb) =>
      eb.or([eb("day", "<", before.day), eb.and([eb("day", "=", before.day), eb("id", "<", before.id)])]),
    );
  }
  return query.orderBy("day", "desc").orderBy("id", "desc").limit(page.limit).execute();
}

export async function findRun(
  db: Executor,
  appId: string,
  channel: string,
  day: string,
): Promise<RunRow | undefined> {
  return db
    .selectFrom("reconciliation_runs")
    .selectAll()
    .where("app_id", "=", appId)
    .where("channel", "=", channel)
    .where("day", "=", day)
    .executeTakeFirst();
}

/** A run's differences in the order they were recorded, paged by (created_at, id). */
export async function listDifferences(
  db: Executor,
  runId: string,
  page: {
    limit: number;
    after?: { createdAt: number; id: string } | undefined;
    status?: "open" | "resolved" | undefined;
  },
): Promise<DifferenceRow[]> {
  let query = db.selectFrom("reconciliation_differences").selectAll().where("run_id", "=", runId);
  const after = page.after;
  query = pageAfter(query, { sort: "created_at", id: "id" }, after);
  if (page.status !== undefined) query = query.where("status", "=", page.status);
  return query.limit(page.limit).execute();
}
