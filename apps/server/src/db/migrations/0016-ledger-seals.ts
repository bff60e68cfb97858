import { type Kysely, PostgresAdapter, sql } from "kysely";

/**
 * The hash chain moves off the posting path (issue 9; bench/README.md "the ledger's head
 * lock"). Until now every posting locked its app's `ledger_heads` row and the app-wide
 * `sales` and clearing balances until its transaction committed, so an app's captures ran
 * one at a time: 75 paid orders/s fell to 27 on PostgreSQL. Now:
 *
 * - `ledger_entries.seq` is the entry's number, given at posting without a lock: unique and
 *   increasing per app, from the `ledger_entry_seq` sequence on PostgreSQL (so not
 *   contiguous there: the sequence is shared by every app, and a rolled-back posting leaves
 *   a gap), max + 1 under SQLite's single writer. Postings still refer to it.
 * - `ledger_seals`: the chain. The sealer (db/ledger-seal.ts) gives each committed entry its
 *   `position` 1, 2, 3, ... per app with no gaps, and `prev_hash`/`hash` as the entry itself
 *   carried before (same canonical form, the position in place of the old seq). Append-only
 *   like the journal. Every existing entry is sealed here at its own seq, so every stored
 *   hash stays valid.
 * - `ledger_unsealed`: the entries posted and not yet sealed, written with the entry and
 *   deleted by the transaction that seals it, so the sealer finds its work without scanning
 *   the journal. It is a queue, not the books: rows leave it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) return create(db);
  await db.transaction().execute((trx) => create(trx));
}

async function create(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable("ledger_seals")
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("position", "bigint", (c) => c.notNull().check(sql`position > 0`))
    .addColumn("entry_seq", "bigint", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addColumn("sealed_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("ledger_seals_primary_key", ["app_id", "position"])
    .addUniqueConstraint("ledger_seals_entry", ["app_id", "entry_seq"])
    .addForeignKeyConstraint("ledger_seals_of_entry", ["app_id", "entry_seq"], "ledger_entries", [
      "app_id",
      "seq",
    ])
    .execute();
  await db.schema
    .createTable("ledger_unsealed")
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("entry_seq", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("ledger_unsealed_primary_key", ["app_id", "entry_seq"])
    .addForeignKeyConstraint("ledger_unsealed_of_entry", ["app_id", "entry_seq"], "ledger_entries", [
      "app_id",
      "seq",
    ])
    .execute();
  await sql`insert into ledger_seals (app_id, position, entry_seq, prev_hash, hash, sealed_at)
    select app_id, seq, seq, prev_hash, hash, posted_at from ledger_entries`.execute(db);
  await db.schema.alterTable("ledger_entries").dropColumn("prev_hash").execute();
  await db.schema.alterTable("ledger_entries").dropColumn("hash").execute();
  if (postgres) {
    await sql`create sequence ledger_entry_seq`.execute(db);
    await sql`select setval('ledger_entry_seq', coalesce((select max(seq) from ledger_entries), 0) + 1, false)`.execute(
      db,
    );
    await sql`create trigger ledger_seals_no_update before update on ledger_seals for each row execute function ledger_refuse_change()`.execute(
      db,
    );
    await sql`create trigger ledger_seals_no_delete before delete on ledger_seals for each row execute function ledger_refuse_change()`.execute(
      db,
    );
    await sql`create trigger ledger_seals_no_truncate before truncate on ledger_seals for each statement execute function ledger_refuse_change()`.execute(
      db,
    );
  } else {
    for (const event of ["update", "delete"]) {
      const message = `ledger_seals: ${event} refused, the ledger is append-only (post a correcting entry)`;
      await sql`create trigger ${sql.id(`ledger_seals_no_${event}`)} before ${sql.raw(event)} on ledger_seals begin select raise(abort, ${sql.lit(message)}); end`.execute(
        db,
      );
    }
  }
}

/**
 * Back to 0013's shape, where an entry's seq was its place in the chain: possible only while
 * every entry is sealed at its own seq (as it was before 0016). Otherwise the entries would
 * need renumbering, which an append-only journal refuses; the error says so.
 */
export async function down(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const { rows } = await sql<{ n: number | string }>`select count(*) as n from ledger_entries e
    where not exists (select 1 from ledger_seals s where s.app_id = e.app_id and s.entry_seq = e.seq and s.position = e.seq)`.execute(
    db,
  );
  if (Number(rows[0]?.n ?? 0) > 0)
    throw new Error(
      "migration 0016-ledger-seals cannot be undone: entries were numbered after it (or await their seal); restore a backup taken before it instead",
    );
  await db.schema
    .alterTable("ledger_entries")
    .addColumn("prev_hash", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  await db.schema
    .alterTable("ledger_entries")
    .addColumn("hash", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  // The journal refuses updates: lift that for the copy back only.
  if (postgres) await sql`alter table ledger_entries disable trigger ledger_entries_no_update`.execute(db);
  else await sql`drop trigger ledger_entries_no_update`.execute(db);
  await sql`update ledger_entries set
    prev_hash = (select s.prev_hash from ledger_seals s where s.app_id = ledger_entries.app_id and s.entry_seq = ledger_entries.seq),
    hash = (select s.hash from ledger_seals s where s.app_id = ledger_entries.app_id and s.entry_seq = ledger_entries.seq)`.execute(
    db,
  );
  if (postgres) await sql`alter table ledger_entries enable trigger ledger_entries_no_update`.execute(db);
  else
    await sql`create trigger ledger_entries_no_update before update on ledger_entries begin select raise(abort, 'ledger_entries: update refused, the ledger is append-only (post a correcting entry)'); end`.execute(
      db,
    );
  await db.schema.dropTable("ledger_unsealed").execute();
  await db.schema.dropTable("ledger_seals").execute();
  if (postgres) await sql`drop sequence ledger_entry_seq`.execute(db);
}
