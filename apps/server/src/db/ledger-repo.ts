import { sql } from "kysely";
import { KassaError } from "../domain/errors.ts";
import {
  accountSpec,
  balanceDelta,
  GENESIS_HASH,
  type LedgerCause,
  type Posting,
  postingsProblem,
} from "../domain/ledger.ts";
import type { Executor } from "./executor.ts";
import { entryHash } from "./ledger-hash.ts";

export interface NewLedgerEntry {
  appId: string;
  cause: LedgerCause;
  /** The order the money was for, or null (a manual wallet adjustment has none). */
  orderId: string | null;
  description: string;
  postings: Posting[];
  now: number;
}

/**
 * Book one entry (issue 9 §1), inside the caller's transaction, the same one as the state
 * change that causes it; nothing here opens a transaction of its own.
 *
 * Lock order, the same for every poster so PostgreSQL never deadlocks on the ledger: the
 * app's head row first (which also serialises the app's chain, so two instances posting
 * at once cannot fork it), then the entry's accounts in code order. On SQLite the writer
 * lock (BEGIN IMMEDIATE) already orders everything.
 *
 * "already_posted" means an entry with this cause exists: nothing was written. A posting
 * that would take a wallet below zero is refused by the database's CHECK and surfaces as
 * `WALLET_INSUFFICIENT_FUNDS`; the caller's transaction must then roll back (PostgreSQL has
 * aborted it already).
 */
export async function postEntry(trx: Executor, entry: NewLedgerEntry): Promise<"posted" | "already_posted"> {
  const problem = postingsProblem(entry.postings);
  if (problem) throw new Error(`ledger entry ${entry.cause.type}/${entry.cause.id}: ${problem}`);
  const head = await lockHead(trx, entry.appId);
  const seq = head.seq + 1;
  const chained = { ...entry, seq, postedAt: entry.now, prevHash: head.hash };
  const hash = entryHash(chained);
  const inserted = await trx
    .insertInto("ledger_entries")
    .values({
      app_id: entry.appId,
      seq,
      cause_type: entry.cause.type,
      cause_id: entry.cause.id,
      order_id: entry.orderId,
      description: entry.description,
      posted_at: entry.now,
      prev_hash: head.hash,
      hash,
    })
    .onConflict((conflict) => conflict.columns(["app_id", "cause_type", "cause_id"]).doNothing())
    .returning("seq")
    .executeTakeFirst();
  if (!inserted) return "already_posted";
  const byCode = [...entry.postings].sort((a, b) => (a.account < b.account ? -1 : 1));
  for (const posting of byCode) await moveBalance(trx, entry.appId, posting, entry.now);
  await trx
    .insertInto("ledger_postings")
    .values(
      entry.postings.map((posting, index) => ({
        app_id: entry.appId,
        entry_seq: seq,
        line: index + 1,
        account_code: posting.account,
        amount_fen: posting.amountFen,
      })),
    )
    .execute();
  await trx.updateTable("ledger_heads").set({ seq, hash }).where("app_id", "=", entry.appId).execute();
  return "posted";
}

/**
 * The app's chain head, locked until the transaction ends: a no-op UPDATE takes the row
 * lock on PostgreSQL and, under READ COMMITTED, returns the row as the previous holder
 * committed it. The first post of an app makes the row (a concurrent first post waits on
 * the insert, then finds it).
 */
async function lockHead(trx: Executor, appId: string): Promise<{ seq: number; hash: string }> {
  await trx
    .insertInto("ledger_heads")
    .values({ app_id: appId, seq: 0, hash: GENESIS_HASH })
    .onConflict((conflict) => conflict.column("app_id").doNothing())
    .execute();
  return trx
    .updateTable("ledger_heads")
    .set({ seq: sql`seq` })
    .where("app_id", "=", appId)
    .returning(["seq", "hash"])
    .executeTakeFirstOrThrow();
}

/**
 * Add a posting to its account's balance in one UPDATE: no balance is read and checked in
 * code, so the wallet's CHECK constraint is what refuses an overdraw, also when many spends
 * of one balance run at once.
 */
async function moveBalance(trx: Executor, appId: string, posting: Posting, now: number): Promise<void> {
  const spec = accountSpec(posting.account)!;
  await trx
    .insertInto("ledger_accounts")
    .values({
      app_id: appId,
      code: posting.account,
      type: spec.type,
      normal_side: spec.normalSide,
      currency: "CNY",
      may_go_negative: spec.mayGoNegative ? 1 : 0,
      balance_fen: 0,
      created_at: now,
    })
    .onConflict((conflict) => conflict.columns(["app_id", "code"]).doNothing())
    .execute();
  try {
    await trx
      .updateTable("ledger_accounts")
      .set({ balance_fen: sql`balance_fen + ${balanceDelta(spec, posting.amountFen)}` })
      .where("app_id", "=", appId)
      .where("code", "=", posting.account)
      .execute();
  } catch (error) {
    if (!isOverdrawRefusal(error)) throw error;
    throw new KassaError("WALLET_INSUFFICIENT_FUNDS", { account: posting.account });
  }
}

/** The CHECK `ledger_accounts_not_negative` refused the row: SQLite and PostgreSQL say it differently. */
function isOverdrawRefusal(error: unknown): boolean {
  const { code, constraint, message } = (error ?? {}) as {
    code?: unknown;
    constraint?: unknown;
    message?: unknown;
  };
  if (code === "23514") return constraint === "ledger_accounts_not_negative";
  return (
    code === "SQLITE_CONSTRAINT_CHECK" &&
    typeof message === "string" &&
    message.includes("ledger_accounts_not_negative")
  );
}

/** An account's balance on its normal side (a wallet: what Kassa owes its holder); 0 before its first posting. */
export async function accountBalance(db: Executor, appId: string, code: string): Promise<number> {
  const row = await db
    .selectFrom("ledger_accounts")
    .select("balance_fen")
    .where("app_id", "=", appId)
    .where("code", "=", code)
    .executeTakeFirst();
  return row?.balance_fen ?? 0;
}

/** An app's accounts in code order, after `afterCode`. */
export async function listAccounts(
  db: Executor,
  query: { appId: string; afterCode?: string; limit: number },
) {
  let rows = db.selectFrom("ledger_accounts").selectAll().where("app_id", "=", query.appId);
  if (query.afterCode !== undefined) rows = rows.where("code", ">", query.afterCode);
  return rows.orderBy("code").limit(query.limit).execute();
}

/** An app's entries in chain order after `afterSeq`, each with its postings in line order. */
export async function listEntries(
  db: Executor,
  query: { appId: string; afterSeq?: number; orderId?: string; limit: number },
) {
  let rows = db.selectFrom("ledger_entries").selectAll().where("app_id", "=", query.appId);
  if (query.afterSeq !== undefined) rows = rows.where("seq", ">", query.afterSeq);
  if (query.orderId !== undefined) rows = rows.where("order_id", "=", query.orderId);
  const entries = await rows.orderBy("seq").limit(query.limit).execute();
  if (entries.length === 0) return [];
  const lines = await db
    .selectFrom("ledger_postings")
    .select(["entry_seq", "account_code", "amount_fen"])
    .where("app_id", "=", query.appId)
    .where(
      "entry_seq",
      "in",
      entries.map((entry) => entry.seq),
    )
    .orderBy("entry_seq")
    .orderBy("line")
    .execute();
  return entries.map((entry) => ({
    ...entry,
    postings: lines
      .filter((line) => line.entry_seq === entry.seq)
      .map((line) => ({ account: line.account_code, amountFen: line.amount_fen })),
  }));
}

/**
 * Per account of an app that existed before `to`: its balance now, what moved from `from` on
 * (to wind the balance back to the opening), and the debits and credits in [from, to). Reads
 * only postings from `from` on (the `ledger_entries_posted` index), never the whole history.
 */
export async function trialBalanceRows(db: Executor, query: { appId: string; from: number; to: number }) {
  const accounts = await db
    .selectFrom("ledger_accounts")
    .select(["code", "type", "normal_side", "balance_fen"])
    .where("app_id", "=", query.appId)
    .where("created_at", "<", query.to)
    .orderBy("code")
    .execute();
  const moved = await db
    .selectFrom("ledger_postings as p")
    .innerJoin("ledger_entries as e", (join) =>
      join.onRef("e.app_id", "=", "p.app_id").onRef("e.seq", "=", "p.entry_seq"),
    )
    .select((eb) => [
      "p.account_code",
      eb.fn.sum<number | string>("p.amount_fen").as("since"),
      eb.fn
        .sum<number | string>(
          sql`case when e.posted_at < ${query.to} and p.amount_fen > 0 then p.amount_fen else 0 end`,
        )
        .as("debits"),
      eb.fn
        .sum<number | string>(
          sql`case when e.posted_at < ${query.to} and p.amount_fen < 0 then -p.amount_fen else 0 end`,
        )
        .as("credits"),
    ])
    .where("e.app_id", "=", query.appId)
    .where("e.posted_at", ">=", query.from)
    .groupBy("p.account_code")
    .execute();
  const movedOf = new Map(
    moved.map((row) => [
      row.account_code,
      { since: Number(row.since), debits: Number(row.debits), credits: Number(row.credits) },
    ]),
  );
  return accounts.map((account) => ({
    ...account,
    ...(movedOf.get(account.code) ?? { since: 0, debits: 0, credits: 0 }),
  }));
}
