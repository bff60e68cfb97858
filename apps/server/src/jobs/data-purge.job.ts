import { purgeExpiredData } from "../app/purge.ts";
import type { JobHandler } from "./job-handler.ts";

/** Once a day: retention is counted in days, and each run finishes what is due. */
export const DATA_PURGE_EVERY_MS = 86_400_000;

/**
 * Applies the retention (app/purge.ts) to what is due, then reschedules itself for the same
 * time tomorrow. The purge works in bounded batches, so a first run on a large database
 * holds no lock for long; counts only are logged, never a row's content.
 */
export const dataPurgeJob: JobHandler<"data.purge"> = async (deps) => {
  const now = deps.clock.now();
  const report = await purgeExpiredData(deps.db, { now, retention: deps.settings.retention });
  const removed = Object.fromEntries(report.lines.map((line) => [line.table, line.rows]));
  if (report.lines.some((line) => line.rows > 0)) deps.log.info({ removed }, "retention applied");
  return { kind: "again", runAt: now + DATA_PURGE_EVERY_MS, note: "purged" };
};
