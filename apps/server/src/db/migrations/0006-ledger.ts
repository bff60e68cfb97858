import { type Kysely, PostgresAdapter, sql } from "kysely";
import { accountSpec, balanceDelta, GENESIS_HASH, type Posting } from "../../domain/ledger.ts";
import { capturedFact, ledgerEntryFor } from "../../domain/ledger-postings.ts";
import type { ExternalChannelName } from "../../domain/payment.ts";
import { entryHash } from "../ledger-hash.ts";

/**
 * The double-entry ledger (issue 9 §1; docs/ledger.md).
 *
 * - `ledger_accounts`: per app and code, its type, normal side and currency, and its
 *   balance in fen on its normal side, kept in the transaction that posts. A CHECK refuses
 *   a balance below zero where the account may not go negative (a wallet), so a concurrent
 *   overdraw is refused by the database, whatever the code above it believed.
 * - `ledger_heads`: per app, the last entry's sequence and hash. Posting locks this row
 *   first, so an app's entries are numbered and chained one after the other even when
 *   several instances post at once.
 * - `ledger_entries`: the journal, unique per (app, cause type, cause id), so a duplicate
 *   event cannot post twice; `prev_hash`/`hash` chain the app's entries (db/ledger-hash.ts).
 * - `ledger_postings`: an entry's lines, signed fen (debit positive), never zero.
 *
 * Entries and postings are append-only, in the database: triggers refuse UPDATE and DELETE
 * (and TRUNCATE on PostgreSQL); a correction is a new entry. Accounts may change only their
 * balance; heads may not be deleted.
 *
 * Payments already PAID when this runs are booked as captured purchases (the only kind
 * there was), in the order they were paid, so the books agree with the payments from the
 * first day.
 */
export const LEDGER_TRIGGERS = [
  ["ledger_entries_no_update", "ledger_entries", "update"],
  ["ledger_entries_no_delete", "ledger_entries", "delete"],
  ["ledger_postings_no_update", "ledger_postings", "update"],
  ["ledger_postings_no_delete", "ledger_postings", "delete"],
  ["ledger_accounts_no_delete", "ledger_accounts", "delete"],
  [
    "ledger_accounts_fixed",
    "ledger_accounts",
    "update of app_id, code, type, normal_side, currency, may_go_negative",
  ],
  ["ledger_heads_no_delete", "ledger_heads", "delete"],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter.supportsTransactionalDdl) return create(db);
  await db.transaction().execute((trx) => create(trx));
}

async function create(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema
    .createTable("ledger_accounts")
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) =>
      c.notNull().check(sql`type in ('asset', 'liability', 'revenue', 'expense')`),
    )
    .addColumn("normal_side", "text", (c) => c.notNull().check(sql`normal_side in ('debit', 'credit')`))
    .addColumn("currency", "text", (c) => c.notNull().check(sql`currency = 'CNY'`))
    .addColumn("may_go_negative", "integer", (c) => c.notNull().check(sql`may_go_negative in (0, 1)`))
    .addColumn("balance_fen", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addPrimaryKeyConstraint("ledger_accounts_primary_key", ["app_id", "code"])
    .addCheckConstraint("ledger_accounts_not_negative", sql`may_go_negative = 1 or balance_fen >= 0`)
    .execute();
  await db.schema
    .createTable("ledger_heads")
    .addColumn("app_id", "text", (c) => c.primaryKey().references("apps.id"))
    .addColumn("seq", "bigint", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .execute();
  await db.schema
    .createTable("ledger_entries")
    .addColumn("app_id", "text", (c) => c.notNull().references("apps.id"))
    .addColumn("seq", "bigint", (c) => c.notNull().check(sql`seq > 0`))
    .addColumn("cause_type", "text", (c) => c.notNull())
    .addColumn("cause_id", "text", (c) => c.notNull())
    .addColumn("order_id", "text")
    .addColumn("description", "text", (c) => c.notNull())
    .addColumn("posted_at", "bigint", (c) => c.notNull())
    .addColumn("prev_hash", "text", (c) => c.notNull())
    .addColumn("hash", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("ledger_entries_primary_key", ["app_id", "seq"])
    .addUniqueConstraint("ledger_entries_cause", ["app_id", "cause_type", "cause_id"])
    .execute();
  await db.schema
    .createTable("ledger_postings")
    .addColumn("app_id", "text", (c) => c.notNull())
    .addColumn("entry_seq", "bigint", (c) => c.notNull())
    .addColumn("line", "integer", (c) => c.notNull())
    .addColumn("account_code", "text", (c) => c.notNull())
    .addColumn("amount_fen", "bigint", (c) => c.notNull().check(sql`amount_fen <> 0`))
    .addPrimaryKeyConstraint("ledger_postings_primary_key", ["app_id", "entry_seq", "line"])
    .addForeignKeyConstraint("ledger_postings_entry", ["app_id", "entry_seq"], "ledger_entries", [
      "app_id",
      "seq",
    ])
    .addForeignKeyConstraint("ledger_postings_account", ["app_id", "account_code"], "ledger_accounts", [
      "app_id",
      "code",
    ])
    .execute();
  await db.schema
    .createIndex("ledger_postings_account")
    .on("ledger_postings")
    .columns(["app_id", "account_code", "entry_seq"])
    .execute();
  await db.schema
    .createIndex("ledger_entries_posted")
    .on("ledger_entries")
    .columns(["app_id", "posted_at"])
    .execute();
  await db.schema.createIndex("ledger_entries_order").on("ledger_entries").columns(["order_id"]).execute();
  await (postgres ? refuseChangesOnPostgres(db) : refuseChangesOnSqlite(db));
  await bookPaidPayments(db);
}

async function refuseChangesOnSqlite(db: Kysely<unknown>): Promise<void> {
  for (const [name, table, event] of LEDGER_TRIGGERS) {
    const message = `${table}: ${event} refused, the ledger is append-only (post a correcting entry)`;
    await sql`create trigger ${sql.id(name)} before ${sql.raw(event)} on ${sql.id(table)} begin select raise(abort, ${sql.lit(message)}); end`.execute(
      db,
    );
  }
}

async function refuseChangesOnPostgres(db: Kysely<unknown>): Promise<void> {
  // One function for every trigger; TG_OP and TG_TABLE_NAME say what was refused.
  await sql`create function ledger_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception '%: % refused, the ledger is append-only (post a correcting entry)', TG_TABLE_NAME, lower(TG_OP)
        using errcode = 'restrict_violation';
    end $$`.execute(db);
  for (const [name, table, event] of LEDGER_TRIGGERS) {
    await sql`create trigger ${sql.id(name)} before ${sql.raw(event)} on ${sql.id(table)} for each row execute function ledger_refuse_change()`.execute(
      db,
    );
  }
  for (const table of ["ledger_entries", "ledger_postings", "ledger_accounts", "ledger_heads"]) {
    await sql`create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.id(table)} for each statement execute function ledger_refuse_change()`.execute(
      db,
    );
  }
}

/**
 * Book what was paid before the ledger existed. Written with its own inserts (not
 * db/ledger-repo.ts), so later changes to the repository cannot change what this does.
 */
async function bookPaidPayments(db: Kysely<unknown>): Promise<void> {
  const { rows: paid } = await sql<{
    id: string;
    app_id: string;
    order_id: string;
    channel: ExternalChannelName;
    amount_fen: number | string;
    paid_at: number | string;
  }>`select id, app_id, order_id, channel, amount_fen, coalesce(paid_at, updated_at) as paid_at
       from payments where status = 'PAID' order by app_id, coalesce(paid_at, updated_at), id`.execute(db);
  const heads = new Map<string, { seq: number; hash: string }>();
  const balances = new Map<string, { appId: string; code: string; balance: number; at: number }>();
  const entries: unknown[][] = [];
  const postings: unknown[][] = [];
  for (const payment of paid) {
    const postedAt = Number(payment.paid_at);
    const draft = ledgerEntryFor(
      capturedFact(
        { kind: "purchase" },
        { id: payment.id, channel: payment.channel, amountFen: Number(payment.amount_fen) },
      ),
    );
    const head = heads.get(payment.app_id) ?? { seq: 0, hash: GENESIS_HASH };
    const entry = {
      appId: payment.app_id,
      seq: head.seq + 1,
      cause: draft.cause,
      orderId: payment.order_id,
      description: draft.description,
      postedAt,
      prevHash: head.hash,
      postings: draft.postings,
    };
    // Before migration 0016 an entry's seq was its place in the chain.
    const hash = entryHash({ ...entry, position: entry.seq });
    heads.set(payment.app_id, { seq: entry.seq, hash });
    entries.push([
      entry.appId,
      entry.seq,
      entry.cause.type,
      entry.cause.id,
      entry.orderId,
      entry.description,
      postedAt,
      entry.prevHash,
      hash,
    ]);
    draft.postings.forEach((posting: Posting, index) => {
      postings.push([entry.appId, entry.seq, index + 1, posting.account, posting.amountFen]);
      const key = `${entry.appId}\u0000${posting.account}`;
      const account = balances.get(key) ?? {
        appId: entry.appId,
        code: posting.account,
        balance: 0,
        at: postedAt,
      };
      account.balance += balanceDelta(accountSpec(posting.account)!, posting.amountFen);
      balances.set(key, account);
    });
  }
  for (const { appId, code, balance, at } of balances.values()) {
    const spec = accountSpec(code)!;
    await sql`insert into ledger_accounts (app_id, code, type, normal_side, currency, may_go_negative, balance_fen, created_at)
      values (${appId}, ${code}, ${spec.type}, ${spec.normalSide}, 'CNY', ${spec.mayGoNegative ? 1 : 0}, ${balance}, ${at})`.execute(
      db,
    );
  }
  for (const values of entries) {
    await sql`insert into ledger_entries (app_id, seq, cause_type, cause_id, order_id, description, posted_at, prev_hash, hash)
      values (${sql.join(values)})`.execute(db);
  }
  for (const values of postings) {
    await sql`insert into ledger_postings (app_id, entry_seq, line, account_code, amount_fen) values (${sql.join(values)})`.execute(
      db,
    );
  }
  for (const [appId, head] of heads) {
    await sql`insert into ledger_heads (app_id, seq, hash) values (${appId}, ${head.seq}, ${head.hash})`.execute(
      db,
    );
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["ledger_postings", "ledger_entries", "ledger_heads", "ledger_accounts"]) {
    await db.schema.dropTable(table).execute();
  }
  if (db.getExecutor().adapter instanceof PostgresAdapter)
    await sql`drop function ledger_refuse_change()`.execute(db);
}
