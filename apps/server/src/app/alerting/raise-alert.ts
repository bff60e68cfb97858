import { insertOrRepeatAlert } from "../../db/alerts-repo.ts";
import { appendOutboxEvent } from "../../db/events-repo.ts";
import type { Executor } from "../../db/executor.ts";
import { inTransaction } from "../../db/transaction.ts";
import { makeId } from "../../domain/ids.ts";
import type { AppDeps } from "../deps.ts";
import { scheduleJobOf } from "../jobs.ts";

export interface AlertToRaise {
  /** What happened, e.g. payment_amount_mismatch, refund_abnormal, risk_pay_failures_per_user. */
  kind: string;
  /** What it is about: an order, an out_trade_no, an operator, a user, an address. */
  subjectId: string;
  /** The app it is about, so operators scoped to apps see it; none for a deployment's own. */
  appId?: string | undefined;
  /** What an operator needs to act: ids and amounts, never an openid or a secret (PIPL). */
  detail: Record<string, unknown>;
}

/**
 * The one way an alert is raised (issue 13 "Alerts": the log, the console, a webhook event,
 * optionally a WeCom group robot). In the caller's transaction when it has one, so the alert
 * stands or falls with the change it reports; in its own otherwise. The alert of the same
 * (kind, subject, app) still open or acknowledged takes a repeat instead (db/alerts-repo.ts);
 * only a new alert is logged at warn, sent as `alert.raised` and to the robot. The robot is
 * a job, so no network call is made inside the transaction.
 */
export async function raiseAlert(
  deps: Pick<AppDeps, "ids" | "clock" | "log" | "settings">,
  db: Executor,
  alert: AlertToRaise,
): Promise<{ alertId: string; raised: boolean }> {
  const work = (trx: Executor) => raiseIn(deps, trx, alert);
  return db.isTransaction ? work(db) : inTransaction(db, work);
}

async function raiseIn(
  deps: Pick<AppDeps, "ids" | "clock" | "log" | "settings">,
  db: Executor,
  alert: AlertToRaise,
): Promise<{ alertId: string; raised: boolean }> {
  const now = deps.clock.now();
  const appId = alert.appId ?? null;
  const result = await insertOrRepeatAlert(db, {
    id: makeId("alert", deps.ids),
    kind: alert.kind,
    subjectId: alert.subjectId,
    detail: alert.detail,
    now,
    appId,
  });
  // The log names the alert, not its subject: a subject may be personal (a client address,
  // risk rules'), and the console shows it to operators from the alert's id.
  const fields = { alert: alert.kind, alertId: result.alertId, appId };
  if (!result.raised) {
    deps.log.info({ ...fields, repeats: result.repeatCount }, "alert raised again; counted on the live one");
    return { alertId: result.alertId, raised: false };
  }
  deps.log.warn(fields, "alert raised");
  if (appId !== null)
    await appendOutboxEvent(db, {
      id: makeId("event", deps.ids),
      appId,
      type: "alert.raised",
      aggregateId: result.alertId,
      payload: {
        alert: {
          id: result.alertId,
          kind: alert.kind,
          subjectId: alert.subjectId,
          appId,
          status: "open",
          detail: alert.detail,
          createdAt: new Date(now).toISOString(),
        },
      },
      now,
    });
  if (deps.settings.alerting.wecomRobotUrl !== undefined)
    await scheduleJobOf({ ...deps, db }, "alert.notify", { alertId: result.alertId }, now);
  return { alertId: result.alertId, raised: true };
}
