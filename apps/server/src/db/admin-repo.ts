import type { Executor } from "./executor.ts";
import type { AlertsTable } from "./schema.ts";

/** What the admin API reads and writes beyond what the other APIs share. */

export async function appOfOrder(db: Executor, orderId: string): Promise<string | undefined> {
  const row = await db.selectFrom("orders").select("app_id").where("id", "=", orderId).executeTakeFirst();
  return row?.app_id;
}

export type AlertRow = { [K in keyof AlertsTable]: AlertsTable[K] };

/**
 * Alerts newest first, a page at a time, only of the apps given (undefined: every app, and
 * the deployment's own alerts, which have none).
 */
export async function listAlerts(
  db: Executor,
  query: {
    appIds: readonly string[] | undefined;
    open: boolean | undefined;
    before: { createdAt: number; id: string } | undefined;
    limit: number;
  },
): Promise<AlertRow[]> {
  let select = db.selectFrom("alerts").selectAll();
  if (query.appIds !== undefined) select = select.where("app_id", "in", [...query.appIds, "-"]);
  if (query.open === true) select = select.where("acknowledged_at", "is", null);
  if (query.open === false) select = select.where("acknowledged_at", "is not", null);
  const { before } = query;
  if (before)
    select = select.where((eb) =>
      eb.or([
        eb("created_at", "<", before.createdAt),
        eb.and([eb("created_at", "=", before.createdAt), eb("id", "<", before.id)]),
      ]),
    );
  return select.orderBy("created_at", "desc").orderBy("id", "desc").limit(query.limit).execute();
}

export async function findAlert(db: Executor, alertId: string): Promise<AlertRow | undefined> {
  return db.selectFrom("alerts").selectAll().where("id", "=", alertId).executeTakeFirst();
}

/** Acknowledge once: false when it was acknowledged already (the first acknowledgement stays). */
export async function acknowledgeAlert(
  db: Executor,
  change: { alertId: string; operatorId: string; note: string | null; now: number },
): Promise<boolean> {
  const row = await db
    .updateTable("alerts")
    .set({ acknowledged_at: change.now, acknowledged_by: change.operatorId, note: change.note })
    .where("id", "=", change.alertId)
    .where("acknowledged_at", "is", null)
    .returning("id")
    .executeTakeFirst();
  return row !== undefined;
}
