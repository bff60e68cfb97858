import { scheduleJobOf } from "../app/jobs.ts";
import type { ExternalChannelName } from "../domain/payment.ts";
import { latestReadyDay, nextDailyRunAt } from "../domain/reconciliation.ts";
import type { JobHandler } from "./job-handler.ts";

/**
 * Once a day, after 10:00 Beijing time (§5.7: the previous day's bills are ready then),
 * schedules the reconciliation of the latest ready day for every app and each channel it
 * collects through. Scheduling a day already scheduled is a no-op (its dedupe key), and
 * running a day again changes nothing, so a restart that runs this early does no harm.
 */
export const reconciliationScheduleJob: JobHandler<"reconciliation.schedule"> = async (deps) => {
  const now = deps.clock.now();
  const day = latestReadyDay(now);
  for (const app of deps.apps.all()) {
    for (const channel of Object.keys(app.channels) as ExternalChannelName[]) {
      await scheduleJobOf(deps, "reconciliation.day", { appId: app.id, channel, day }, now);
    }
  }
  return { kind: "again", runAt: nextDailyRunAt(now), note: `scheduled ${day}` };
};
