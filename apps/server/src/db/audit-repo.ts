import { createHash } from "node:crypto";
import { sql } from "kysely";
import type { Executor } from "./executor.ts";
import type { AuditLogTable } from "./schema.ts";

export type AuditRow = { [K in keyof AuditLogTable]: AuditLogTable[K] };
export type AuditEntry = Omit<AuditRow, "seq" | "prev_hash" | "hash">;

/** The first entry's previous hash: 64 zeros. */
export const AUDIT_GENESIS = "0".repeat(64);

/**
 * The hash of an entry: SHA-256 over its fields in a fixed order and the previous entry's
 * hash, so changing, removing or inserting an entry breaks every hash after it.
 */
export function auditHash(entry: AuditEntry & { seq: number }, prevHash: string): string {
  return createHash("sha256")
    .update(
      JSON.stringify([
        entry.seq,
        entry.operator_id,
        entry.action,
        entry.object_type,
        entry.object_id,
        entry.app_id,
        entry.before,
        entry.after,
        entry.address,
        entry.at,
        prevHash,
      ]),
    )
    .digest("hex");
}

/**
 * Append one entry, in the caller's transaction (the same one as the action it records).
 * Appends are serialised so the chain cannot fork: on PostgreSQL by a transaction-scoped
 * advisory lock, taken before the chain's head is read (so the read sees the head a
 * concurrent append committed); SQLite's writers are serialised already (BEGIN IMMEDIATE).
 */
export async function appendAudit(
  trx: Executor,
  dialect: "postgres" | "sqlite",
  entry: AuditEntry,
): Promise<number> {
  if (dialect === "postgres")
    await sql`select pg_advisory_xact_lock(hashtext('kassa.audit_log'))`.execute(trx);
  const head = await trx
    .selectFrom("audit_log")
    .select(["seq", "hash"])
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst();
  const seq = Number(head?.seq ?? 0) + 1;
  const prevHash = head?.hash ?? AUDIT_GENESIS;
  await trx
    .insertInto("audit_log")
    .values({ ...entry, seq, prev_hash: prevHash, hash: auditHash({ ...entry, seq }, prevHash) })
    .execute();
  return seq;
}

/** Where the chain breaks, if it does: the first entry whose links or hash are wrong. */
export async function verifyAuditChain(
  db: Executor,
): Promise<{ ok: true; entries: number } | { ok: false; seq: number; why: string }> {
  let prevHash = AUDIT_GENESIS;
  let expectedSeq = 1;
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom("audit_log")
      .selectAll()
      .where("seq", ">", after)
      .orderBy("seq")
      .limit(500)
      .execute();
    if (rows.length === 0) return { ok: true, entries: expectedSeq - 1 };
    for (const row of rows) {
      const seq = Number(row.seq);
      if (seq !== expectedSeq) return { ok: false, seq, why: `entry ${expectedSeq} is missing` };
      if (row.prev_hash !== prevHash)
        return { ok: false, seq, why: "its previous hash is not the previous entry's hash" };
      const { seq: _seq, prev_hash: _prev, hash, ...entry } = row;
      if (auditHash({ ...entry, seq }, prevHash) !== hash)
        return { ok: false, seq, why: "its hash does not match its content" };
      prevHash = hash;
      expectedSeq += 1;
      after = seq;
    }
  }
}

/** The audit log, newest first, a page at a time (`before`: the last seq of the previous page). */
export async function listAudit(
  db: Executor,
  query: { before: number | undefined; limit: number; appIds: readonly string[] | undefined },
): Promise<AuditRow[]> {
  let select = db.selectFrom("audit_log").selectAll().orderBy("seq", "desc").limit(query.limit);
  if (query.before !== undefined) select = select.where("seq", "<", query.before);
  if (query.appIds !== undefined) select = select.where("app_id", "in", [...query.appIds, "-"]);
  return select.execute();
}
