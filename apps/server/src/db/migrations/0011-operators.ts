import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * The admin API (issue 12): the operators who run a deployment, their sessions, and the
 * audit log of what they did.
 *
 * - `operators`: a login name, a scrypt hash of the password (never the password), a role,
 *   the apps it may see (`app_ids`: a JSON list, NULL for every app), a TOTP secret when a
 *   second factor is set, and the lockout state of the login throttle.
 * - `operator_sessions`: only the SHA-256 of the cookie's token is kept (a copy of the
 *   database cannot be replayed as sessions); idle and absolute expiry. The CSRF token is
 *   derived from the token, so it needs no column.
 * - `audit_log`: append-only, each entry chained to the previous one by its hash, so a gap or
 *   an edit is detectable. Triggers refuse UPDATE and DELETE on both databases.
 * - `alerts` gain their app (NULL for the alerts of earlier versions, and for those no app
 *   owns) and an operator's acknowledgement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable("operators")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("login", "text", (c) => c.notNull().unique())
    .addColumn("password_hash", "text", (c) => c.notNull())
    .addColumn("role", "text", (c) => c.notNull())
    .addColumn("app_ids", "text")
    .addColumn("totp_secret", "text")
    .addColumn("failed_logins", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("locked_until", "bigint")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("disabled_at", "bigint")
    .execute();
  await db.schema
    .createTable("operator_sessions")
    .addColumn("token_hash", "text", (c) => c.primaryKey())
    .addColumn("operator_id", "text", (c) => c.notNull().references("operators.id"))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_seen_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("revoked_at", "bigint")
    .execute();
  await db.schema
    .createIndex("operator_sessions_operator")
    .on("operator_sessions")
    .columns(["operator_id"])
    .execute();
  await db.schema
    .createTable("audit_log")
    .addColumn("seq", "bigint", (c) => c.primaryKey())
    .addColumn("operator_id", "text")
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("object_type", "text", (c) => c.notNull())
    .addColumn("object_id", "text", (c) => c.notNull())
    .addColumn("app_id", "text")
    .addColumn("before", "text")
    .addColumn("after", "text")
    .addColumn("address", "text")
    .addColumn("at", "bigint", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex("audit_log_object")
    .on("audit_log")
    .columns(["object_type", "object_id"])
    .execute();
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`create function audit_log_append_only() returns trigger language plpgsql as $$
      begin raise exception 'audit_log is append-only: % refused', tg_op; end $$`.execute(db);
    await sql`create trigger audit_log_append_only before update or delete on audit_log
      for each row execute function audit_log_append_only()`.execute(db);
  } else {
    for (const operation of ["update", "delete"])
      await sql
        .raw(
          `create trigger audit_log_no_${operation} before ${operation} on audit_log begin select raise(abort, 'audit_log is append-only: ${operation} refused'); end`,
        )
        .execute(db);
  }
  await db.schema.alterTable("alerts").addColumn("app_id", "text").execute();
  await db.schema.alterTable("alerts").addColumn("acknowledged_at", "bigint").execute();
  await db.schema.alterTable("alerts").addColumn("acknowledged_by", "text").execute();
  await db.schema.alterTable("alerts").addColumn("note", "text").execute();
  await db.schema.createIndex("alerts_created").on("alerts").columns(["created_at", "id"]).execute();
}
