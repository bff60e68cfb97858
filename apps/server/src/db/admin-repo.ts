import type { Selectable } from "kysely";
import type { AlertStatus } from "../domain/alert.ts";
import type { Executor } from "./executor.ts";
import type { AlertsTable } from "./schema.ts";

/** What the admin API reads and writes beyond what the other APIs share. */

export async function appOfOrder(db: Executor, orderId: string): Promise<string | undefined> {
  const row = await db.selectFrom("orders").select("app_id").where("id", "=", orderId).executeTakeFirst();
  return row?.app_id;
}

export type AlertRow = Selectable<AlertsTable>;

/**
 * Alerts newest first, a page at a time, only of the apps given (undefined: every app, and
 * the deployment's own alerts, which have none).
 */
export async function listAlerts(
  db: Executor,
  query: {
    appIds: readonly string[] | undefined;
    open: boolean | undefined;
    status: AlertStatus | undefined;
    before: { createdAt: number; id: string } | undefined;
    limit: number;
  },
): Promise<AlertRow[]> {
  let select = db.selectFrom("alerts").selectAll();
  if (query.appIds !== undefined) select = select.where("app_id", "in", [...query.appIds, "-"]);
  // `open` is the filter of the API before alerts had states: open, or any other.
  if (query.open === true) select = select.where("status", "=", "open");
  if (query.open === false) select = select.where("status", "<>", "open");
  if (query.status !== undefined) select = select.where("status", "=", query.status);
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
