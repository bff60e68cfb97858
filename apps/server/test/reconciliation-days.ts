import { scheduleJobOf } from "../src/app/jobs.ts";
import { findRun, listDifferences, type RunRow } from "../src/db/reconciliation-runs-repo.ts";
import type { ExternalChannelName } from "../src/domain/payment.ts";
import { beijingDayOf } from "../src/domain/reconciliation.ts";
import type { KassaUnderTest } from "./kassa-harness.ts";

/**
 * What the reconciliation flows share: a fresh Beijing-time day for each test, and the day's
 * job run as the worker would run it, with its stored report.
 */

/** The simulator's clock to the next Beijing midnight plus an hour, and what fell due run. */
export async function startNextDay(kassa: KassaUnderTest): Promise<void> {
  const now = kassa.sandbox.clock.now();
  const nextMidnight = Date.parse(`${beijingDayOf(now + 24 * 3600_000)}T00:00:00+08:00`);
  await kassa.sandbox.admin.advanceClock(nextMidnight + 3600_000 - now);
  await kassa.runJobs(); // what fell due (expiries) belongs to the day before
}

export const todayOf = (kassa: KassaUnderTest) => beijingDayOf(kassa.sandbox.clock.now());

/** Schedules the day's job for the default app and this channel, runs what is due, reads the report. */
export async function reconcileDay(
  kassa: KassaUnderTest,
  channel: ExternalChannelName,
  day = todayOf(kassa),
): Promise<{ run: RunRow; differences: Awaited<ReturnType<typeof listDifferences>> }> {
  const deps = kassa.running.kassa.deps;
  const appId = deps.apps.default.id;
  await scheduleJobOf(deps, "reconciliation.day", { appId, channel, day }, kassa.sandbox.clock.now());
  await kassa.runJobs();
  const run = await findRun(deps.db, appId, channel, day);
  if (!run) throw new Error(`no ${channel} run for ${day}`);
  return { run, differences: await listDifferences(deps.db, run.id, { limit: 100 }) };
}
