import {
  alertStillOpen,
  type NewDifference,
  recordDifference,
  resolveUnseen,
  setDifferenceAlert,
} from "../../db/reconciliation-runs-repo.ts";
import { inTransaction } from "../../db/transaction.ts";
import { makeId } from "../../domain/ids.ts";
import type { DifferenceClass } from "../../domain/reconciliation.ts";
import { raiseAlert } from "../alerting/raise-alert.ts";
import { resolveAlertAsKassa } from "../alerting/resolve-alert.ts";
import type { AppDeps } from "../deps.ts";

export interface RunContext {
  runId: string;
  appId: string;
  channel: string;
  day: string;
  pass: number;
}

export type FoundDifference = Pick<NewDifference, "detail" | "action" | "status"> & {
  class: DifferenceClass;
  subject: string;
  outTradeNo?: string | undefined;
  outRefundNo?: string | undefined;
  billAmountFen?: number | undefined;
  kassaAmountFen?: number | undefined;
  ledgerAmountFen?: number | undefined;
};

/**
 * Writes what a pass found, once per (run, class, subject), and raises the alert of an open
 * difference the first time it is found (or found again after a pass had resolved it), in
 * the same transaction: a re-run of the day raises nothing twice.
 */
export async function recordFound(deps: AppDeps, run: RunContext, found: FoundDifference): Promise<void> {
  const now = deps.clock.now();
  await inTransaction(deps.db, async (trx) => {
    const { id, created, reopened } = await recordDifference(trx, {
      id: makeId("difference", deps.ids),
      runId: run.runId,
      appId: run.appId,
      class: found.class,
      subject: found.subject,
      outTradeNo: found.outTradeNo,
      outRefundNo: found.outRefundNo,
      billAmountFen: found.billAmountFen,
      kassaAmountFen: found.kassaAmountFen,
      ledgerAmountFen: found.ledgerAmountFen,
      detail: found.detail,
      action: found.action,
      status: found.status,
      pass: run.pass,
      now,
    });
    if (found.status !== "open" || !(created || reopened)) return;
    const { alertId } = await raiseAlert(deps, trx, {
      kind: `reconciliation_${found.class}`,
      subjectId: found.outRefundNo ?? found.outTradeNo ?? run.runId,
      appId: run.appId,
      detail: { appId: run.appId, channel: run.channel, day: run.day, runId: run.runId, differenceId: id },
    });
    await setDifferenceAlert(trx, id, alertId);
  });
  if (found.status === "open") {
    deps.log.warn(
      { reconciliation: run.runId, class: found.class, subject: found.subject },
      "reconciliation difference",
    );
  }
}

/**
 * After a pass: the open differences earlier passes found and this one did not are resolved
 * (the day matches now), and so is the alert each raised, in the same transaction, unless an
 * open difference still stands behind it (one alert can count several: the same kind and
 * subject). A difference that comes back later raises a new alert (recordFound).
 */
export async function resolveUnseenDifferences(deps: AppDeps, run: RunContext): Promise<number> {
  return inTransaction(deps.db, async (trx) => {
    const resolved = await resolveUnseen(trx, run.runId, run.pass, deps.clock.now());
    const alertIds = new Set(resolved.flatMap((difference) => difference.alertId ?? []));
    for (const alertId of alertIds) {
      if (await alertStillOpen(trx, alertId)) continue;
      await resolveAlertAsKassa(deps, trx, {
        alertId,
        by: "kassa:reconciliation",
        note: `the day ${run.day} was reconciled again (pass ${run.pass}) and matched: the difference is gone`,
      });
    }
    return resolved.length;
  });
}
