import { findAlert } from "../../db/admin-repo.ts";
import { moveAlert } from "../../db/alerts-repo.ts";
import type { Executor } from "../../db/executor.ts";
import type { AppDeps } from "../deps.ts";

/**
 * Resolves an alert whose cause Kassa itself found gone (a reconciliation re-run that matched
 * the difference it raised), by the same transition table and compare-and-set as an
 * operator's resolve (db/alerts-repo.ts moveAlert). `by` says which part of Kassa,
 * `kassa:<what>`, where an operator's resolve names the operator. An alert already resolved
 * (an operator was first) keeps their note. In the caller's transaction.
 */
export async function resolveAlertAsKassa(
  deps: Pick<AppDeps, "clock" | "log">,
  db: Executor,
  change: { alertId: string; by: `kassa:${string}`; note: string },
): Promise<boolean> {
  // Twice at most: an operator may acknowledge it between the read and the compare-and-set.
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const alert = await findAlert(db, change.alertId);
    if (!alert || alert.status === "resolved") return false;
    const moved = await moveAlert(db, {
      alertId: alert.id,
      from: alert.status,
      event: "resolve",
      by: change.by,
      note: change.note,
      now: deps.clock.now(),
    });
    if (moved) {
      deps.log.info({ alert: alert.kind, alertId: alert.id, appId: alert.app_id }, "alert resolved by Kassa");
      return true;
    }
  }
  return false;
}
