import { type Kysely, sql } from "kysely";

/**
 * Alerts get a lifecycle and are raised once (issue 13 "Alerts"; domain/alert.ts).
 *
 * - `status`: open, acknowledged, resolved (one transition table, domain/alert.ts). Earlier
 *   alerts an operator acknowledged start acknowledged, the others open.
 * - `resolved_at`, `resolved_by`, `resolution_note`: who closed it and what was done.
 * - `repeat_count`, `last_seen_at`: an alert of the same kind, subject and app raised again
 *   while the first is still open or acknowledged counts here instead of adding a row.
 * - `live_key`: that (kind, subject, app) while the alert is not resolved, NULL once it is.
 *   Its unique index lets one live alert per key exist, so two instances raising the same
 *   alert at once make one row (the second's insert becomes the repeat, by ON CONFLICT).
 *   NULLs are distinct on both databases, so resolved alerts never collide.
 *
 * Earlier versions could hold several live alerts with one key; all but the newest are
 * resolved here, naming it, before the unique index is built.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) return change(db);
  await db.transaction().execute((trx) => change(trx));
}

async function change(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable("alerts")
    .addColumn("status", "text", (c) =>
      c.notNull().defaultTo("open").check(sql`status in ('open', 'acknowledged', 'resolved')`),
    )
    .execute();
  for (const [name, type] of [
    ["resolved_at", "bigint"],
    ["resolved_by", "text"],
    ["resolution_note", "text"],
    ["last_seen_at", "bigint"],
    ["live_key", "text"],
  ] as const)
    await db.schema.alterTable("alerts").addColumn(name, type).execute();
  await db.schema
    .alterTable("alerts")
    .addColumn("repeat_count", "integer", (c) => c.notNull().defaultTo(1))
    .execute();
  await sql`update alerts set status = 'acknowledged' where acknowledged_at is not null`.execute(db);
  await sql`update alerts set last_seen_at = created_at`.execute(db);
  // The key's form is the code's (db/alerts-repo.ts liveKeyOf): a JSON array, so no
  // separator inside a kind or subject can make two keys equal.
  const key = sql`'["' || kind || '","' || subject_id || '","' || coalesce(app_id, '') || '"]'`;
  await sql`update alerts set live_key = ${key}`.execute(db);
  await sql`update alerts set status = 'resolved', live_key = null, resolved_at = created_at,
      resolution_note = 'raised again later; migration 0018 kept the newest as the live alert'
    where exists (
      select 1 from alerts newer
      where newer.live_key = alerts.live_key
        and (newer.created_at > alerts.created_at
          or (newer.created_at = alerts.created_at and newer.id > alerts.id)))`.execute(db);
  await db.schema.createIndex("alerts_live_key").unique().on("alerts").column("live_key").execute();
  await db.schema.createIndex("alerts_status").on("alerts").columns(["status", "created_at"]).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex("alerts_status").execute();
  await db.schema.dropIndex("alerts_live_key").execute();
  for (const name of [
    "repeat_count",
    "live_key",
    "last_seen_at",
    "resolution_note",
    "resolved_by",
    "resolved_at",
    "status",
  ])
    await db.schema.alterTable("alerts").dropColumn(name).execute();
}
