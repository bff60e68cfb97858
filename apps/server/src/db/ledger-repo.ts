import { PostgresAdapter, sql } from "kysely";
import { KassaError } from "../domain/errors.ts";
import {
  accountSpec,
  balanceDelta,
  LEDGER_CURRENCY,
  type LedgerCause,
  movesAtPosting,
  type Posting,
  postingsProblem,
} from "../domain/ledger.ts";
import type { Executor } from "./executor.ts";

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
 * Nothing app-wide is locked: the entry takes its number without a lock (migration 0016),
 * and waits in `ledger_unsealed` for the sealer (db/ledger-seal.ts), which gives it its place
 * in the hash chain and moves the app-wide balances (`sales`, the clearing account) later,
 * in order. Only the accounts that must not go negative (a wallet) move here, one UPDATE
 * each in code order, so that two postings to the same wallets lock them in one order and
 * PostgreSQL never deadlocks on them. On SQLite the writer lock (BEGIN IMMEDIATE) already
 * orders everything.
 *
 * "already_posted" means an entry with this cause exists: nothing was written. A posting
 * that would take a wallet below zero is refused by the database's CHECK and surfaces as
 * `WALLET_INSUFFICIENT_FUNDS`; the caller's transaction must then roll back (PostgreSQL has
 * aborted it already).
 */
export async function postEntry(trx: Executor, entry: NewLedgerEntry): Promise<"posted" | "already_posted"> {
  const problem = postingsProblem(entry.postings);
  if (problem) throw new Error(`ledger entry ${entry.cause.type}/${entry.cause.id}: ${problem}`);
  const inserted = await trx
    .insertInto("ledger_entries")
    .values({
      app_id: entry.appId,
      seq: nextEntrySeq(trx, entry.appId),
      cause_type: entry.cause.type,
      cause_id: entry.cause.id,
      order_id: entry.orderId,
      description: entry.description,
      posted_at: entry.now,
    })
    .onConflict((conflict) => conflict.columns(["app_id", "cause_type", "cause_id"]).doNothing())
    .returning("seq")
    .executeTakeFirst();
  if (!inserted) return "already_posted";
  const seq = Number(inserted.seq);
  await openAccounts(trx, entry.appId, entry.postings, entry.now);
  const byCode = [...entry.postings].sort((a, b) => (a.account < b.account ? -1 : 1));
  for (const posting of byCode)
    if (movesAtPosting(accountSpec(posting.account)!)) await moveBalance(trx, entry.appId, posting);
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
  await trx.insertInto("ledger_unsealed").values({ app_id: entry.appId, entry_seq: seq }).execute();
  return "posted";
}

/**
 * The entry's number, taken without a lock: PostgreSQL's sequence hands out numbers to
 * concurrent transactions at once (each unique, not contiguous); under SQLite's single writer
 * the app's highest number plus one is already safe.
 */
function nextEntrySeq(trx: Executor, appId: string) {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) return sql<number>`nextval('ledger_entry_seq')`;
  return sql<number>`(select coalesce(max(seq), 0) + 1 from ledger_entries where app_id = ${appId})`;
}

/**
 * Make the entry's accounts that do not exist yet. Found with a plain read first: on
 * PostgreSQL an `INSERT ... ON CONFLICT DO NOTHING` on an existing row waits for whoever is
 * updating that row, and the sealer updates `sales` and the clearing account all the time.
 */
async function openAccounts(trx: Executor, appId: string, postings: readonly Posting[], now: number) {
  const codes = postings.map((posting) => posting.account);
  const existing = await trx
    .selectFrom("ledger_accounts")
    .select("code")
    .where("app_id", "=", appId)
    .where("code", "in", codes)
    .execute();
  const have = new Set(existing.map((row) => row.code));
  const missing = codes.filter((code) => !have.has(code));
  if (missing.length === 0) return;
  await trx
    .insertInto("ledger_accounts")
    .values(
      missing.map((code) => {
        const spec = accountSpec(code)!;
        return {
          app_id: appId,
          code,
          type: spec.type,
          normal_side: spec.normalSide,
          currency: LEDGER_CURRENCY,
          may_go_negative: spec.mayGoNegative ? 1 : 0,
          balance_fen: 0,
          created_at: now,
        };
      }),
    )
    .onConflict((conflict) => conflict.columns(["app_id", "code"]).doNothing())
    .execute();
}

/**
 * Add a posting to its account's balance in one UPDATE: no balance is read and checked in
 * code, so the wallet's CHECK constraint is what refuses an overdraw, also when many spends
 * of one balance run at once.
 */
async function moveBalance(trx: Executor, appId: string, posting: Posting): Promise<void> {
  const spec = accountSpec(posting.account)!;
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
  const spec = accountSpec(code);
  const awaiting = spec && !movesAtPosting(spec) ? ((await unsealedMoves(db, appId)).get(code) ?? 0) : 0;
  return Number(row?.balance_fen ?? 0) + awaiting;
}

/**
 * Per account that moves at sealing (domain/ledger.ts movesAtPosting), how much its balance
 * will still move when the entries awaiting their seal are sealed. The stored balance plus
 * this is the account's balance now; a read adds it, so no reader ever sees the sealer's lag.
 * The queue is short (the sealer empties it within moments), so this reads only a few rows.
 */
export async function unsealedMoves(db: Executor, appId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom("ledger_unsealed as u")
    .innerJoin("ledger_postings as p", (join) =>
      join.onRef("p.app_id", "=", "u.app_id").onRef("p.entry_seq", "=", "u.entry_seq"),
    )
    .select((eb) => ["p.account_code", eb.fn.sum<number | string>("p.amount_fen").as("net")])
    .where("u.app_id", "=", appId)
    .groupBy("p.account_code")
    .execute();
  const moves = new Map<string, number>();
  for (const row of rows) {
    const spec = accountSpec(row.account_code);
    if (spec && !movesAtPosting(spec)) moves.set(row.account_code, balanceDelta(spec, Number(row.net)));
  }
  return moves;
}

/** An app's accounts in code order, after `afterCode`, each with its balance now. */
export async function listAccounts(
  db: Executor,
  query: { appId: string; afterCode?: string; limit: number },
) {
  let rows = db.selectFrom("ledger_accounts").selectAll().where("app_id", "=", query.appId);
  if (query.afterCode !== undefined) rows = rows.where("code", ">", query.afterCode);
  const [accounts, awaiting] = await Promise.all([
    rows.orderBy("code").limit(query.limit).execute(),
    unsealedMoves(db, query.appId),
  ]);
  return accounts.map((account) => ({
    ...account,
    balance_fen: Number(account.balance_fen) + (awaiting.get(account.code) ?? 0),
  }));
}

/**
 * An app's journal: its sealed entries in chain order after `afterPosition`, each with its
 * postings in line order. A reader that polls with the last position never misses an entry:
 * positions are given in the order seals commit. With `orderId`, the order's entries still
 * awaiting their seal follow, by number, with position and hashes null.
 */
export async function listEntries(
  db: Executor,
  query: { appId: string; afterPosition?: number; orderId?: string; limit: number },
) {
  let sealed = db
    .selectFrom("ledger_seals as s")
    .innerJoin("ledger_entries as e", (join) =>
      join.onRef("e.app_id", "=", "s.app_id").onRef("e.seq", "=", "s.entry_seq"),
    )
    .selectAll("e")
    .select(["s.position", "s.prev_hash", "s.hash"])
    .where("s.app_id", "=", query.appId);
  if (query.afterPosition !== undefined) sealed = sealed.where("s.position", ">", query.afterPosition);
  if (query.orderId !== undefined) sealed = sealed.where("e.order_id", "=", query.orderId);
  const entries: {
    app_id: string;
    seq: number;
    cause_type: string;
    cause_id: string;
    order_id: string | null;
    description: string;
    posted_at: number;
    position: number | null;
    prev_hash: string | null;
    hash: string | null;
  }[] = await sealed.orderBy("s.position").limit(query.limit).execute();
  if (query.orderId !== undefined && entries.length < query.limit) {
    const awaiting = await db
      .selectFrom("ledger_unsealed as u")
      .innerJoin("ledger_entries as e", (join) =>
        join.onRef("e.app_id", "=", "u.app_id").onRef("e.seq", "=", "u.entry_seq"),
      )
      .selectAll("e")
      .where("u.app_id", "=", query.appId)
      .where("e.order_id", "=", query.orderId)
      .orderBy("e.seq")
      .limit(query.limit - entries.length)
      .execute();
    entries.push(...awaiting.map((entry) => ({ ...entry, position: null, prev_hash: null, hash: null })));
  }
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
    seq: Number(entry.seq),
    position: entry.position === null ? null : Number(entry.position),
    postings: lines
      .filter((line) => Number(line.entry_seq) === Number(entry.seq))
      .map((line) => ({ account: line.account_code, amountFen: Number(line.amount_fen) })),
  }));
}

/**
 * Per account of an app that existed before `to`: its balance now, what moved from `from` on
 * (to wind the balance back to the opening), and the debits and credits in [from, to). Reads
 * only postings from `from` on (the `ledger_entries_posted` index), never the whole history.
 */
export async function trialBalanceRows(db: Executor, query: { appId: string; from: number; to: number }) {
  const stored = await db
    .selectFrom("ledger_accounts")
    .select(["code", "type", "normal_side", "balance_fen"])
    .where("app_id", "=", query.appId)
    .where("created_at", "<", query.to)
    .orderBy("code")
    .execute();
  // `since` below counts every posting, sealed or not, so the balance now must too.
  const awaiting = await unsealedMoves(db, query.appId);
  const accounts = stored.map((account) => ({
    ...account,
    balance_fen: Number(account.balance_fen) + (awaiting.get(account.code) ?? 0),
  }));
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
