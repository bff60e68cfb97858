import type { Kysely } from "kysely";

/**
 * The console's dashboard (issue 12) sums an app's payments by the hour and the day they were
 * paid: an index on (app_id, paid_at) makes that read the period's paid payments only, not
 * every payment the app ever had. Unpaid payments have paid_at NULL.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex("payments_app_paid").on("payments").columns(["app_id", "paid_at"]).execute();
}
