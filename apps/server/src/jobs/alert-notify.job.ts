import { postToWecomRobot, wecomMessageOf } from "../app/alerting/wecom-robot.ts";
import { findAlert } from "../db/admin-repo.ts";
import type { JobHandler } from "./job-handler.ts";

/** Attempts before giving up on a message (the worker's backoff spreads them over about an hour). */
const MAX_ATTEMPTS = 12;

/**
 * Posts a new alert to the WeCom group robot (KASSA_WECOM_ROBOT_URL). Scheduled in the
 * transaction that raised the alert (app/alerting/raise-alert.ts), run by a worker after it
 * committed, so a slow or failing robot never holds that transaction. A failure is thrown and
 * retried with the worker's backoff; an alert already resolved is not sent.
 */
export const alertNotifyJob: JobHandler<"alert.notify"> = async (deps, { alertId }, job) => {
  const url = deps.settings.alerting.wecomRobotUrl;
  const alert = await findAlert(deps.db, alertId);
  if (url === undefined || !alert || alert.status === "resolved") return { kind: "done" };
  try {
    await postToWecomRobot(url, wecomMessageOf(alert));
  } catch (error) {
    if (job.attempts < MAX_ATTEMPTS) throw error;
    deps.log.error(
      { alertId, attempts: job.attempts, error: error instanceof Error ? error.message : String(error) },
      "the WeCom robot never took this alert; giving up (it is still in the console)",
    );
    return { kind: "done" };
  }
  deps.log.info({ alertId, alert: alert.kind }, "alert sent to the WeCom robot");
  return { kind: "done" };
};
