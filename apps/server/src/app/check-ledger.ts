import { sql } from "kysely";
import type { Executor } from "../db/executor.ts";
import { entryHash } from "../db/ledger-hash.ts";
import {
  accountSpec,
  balanceDelta,
  GENESIS_HASH,
  movesAtPosting,
  type Posting,
  postingsProblem,
} from "../domain/ledger.ts";
import { isExternalChannel } from "../domain/payment.ts";

/** What checkLedger found: counts, and one sentence per broken rule (empty when the books hold). */
export interface LedgerReport {
  apps: number;
  /** Every entry, sealed or still waiting for its seal. */
  entries: number;
  /** Entries posted and not sealed yet (db/ledger-seal.ts): normal for a moment after posting. */
  unsealed: number;
  accounts: number;
  problems: string[];
}

const PAGE = 1_000;

/**
 * Audit the books against the rules of issue 9 §1, reading only (`npm run kassa -- ledger
 * check`, and the end of every money flow test):
 * - each app's chain (`ledger_seals`) is numbered 1..n, each seal names the previous one's
 *   hash, and each hash is the one its entry's stored fields and postings give (so an edited
 *   or removed entry shows);
 * - every entry is sealed once or waits in the sealer's queue, never both, never neither;
 * - every entry balances (two or more non-zero postings summing to zero);
 * - every account's stored balance is the sum of its postings (for the app-wide accounts
 *   that move at sealing, of its sealed postings), its kind is its code's, and no account
 *   that may not go negative (a wallet) is below zero;
 * - every PAID payment has its one entry (captured by a channel, or paid from the wallet),
 *   and per order, what the channel captured minus what it refunded is what the ledger moved
 *   through the channel's clearing account for that order.
 */
export async function checkLedger(db: Executor): Promise<LedgerReport> {
  if (db.isTransaction) return checkBooks(db);
  // One snapshot for every read: on a live database (the CLI, a test whose notification is
  // still being applied) reading payments, then entries, could see a payment still PENDING
  // and then the entry its capture committed meanwhile, and report books that do hold as
  // broken (CI saw it once). PostgreSQL's repeatable read gives the snapshot; SQLite's
  // transaction holds the database's write lock, so the check waits for no writer and no
  // writer runs beside it.
  return db.transaction().setIsolationLevel("repeatable read").setAccessMode("read only").execute(checkBooks);
}

async function checkBooks(db: Executor): Promise<LedgerReport> {
  const problems: string[] = [];
  const heads = await db.selectFrom("ledger_heads").selectAll().execute();
  const headOf = new Map(heads.map((head) => [head.app_id, head]));
  const appIds = await db.selectFrom("ledger_entries").select("app_id").distinct().execute();
  const apps = new Set([...heads.map((head) => head.app_id), ...appIds.map((row) => row.app_id)]);
  let sealed = 0;
  for (const appId of [...apps].sort()) {
    const last = await checkChain(db, appId, problems);
    sealed += last.count;
    const head = headOf.get(appId);
    if (!head) {
      if (last.count > 0) problems.push(`app ${appId}: sealed entries but no chain head`);
    } else if (Number(head.seq) !== last.position || head.hash !== last.hash)
      problems.push(`app ${appId}: the head says position ${head.seq}, the chain ends at ${last.position}`);
  }
  const unsealed = await checkUnsealed(db, problems);
  const entries = Number(
    (
      await db
        .selectFrom("ledger_entries")
        .select((eb) => eb.fn.countAll<number | string>().as("n"))
        .executeTakeFirst()
    )?.n ?? 0,
  );
  if (entries !== sealed + unsealed)
    problems.push(
      `${entries} entries, but ${sealed} are sealed and ${unsealed} wait for their seal: ${entries - sealed - unsealed} are neither`,
    );
  const accounts = await checkAccounts(db, problems);
  await checkOrders(db, problems);
  return { apps: apps.size, entries, unsealed, accounts, problems };
}

/** Walk one app's chain in pages, recomputing each hash from the entry and postings it seals. */
async function checkChain(db: Executor, appId: string, problems: string[]) {
  let previous = { position: 0, hash: GENESIS_HASH };
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom("ledger_seals as s")
      .leftJoin("ledger_entries as e", (join) =>
        join.onRef("e.app_id", "=", "s.app_id").onRef("e.seq", "=", "s.entry_seq"),
      )
      .select([
        "s.position",
        "s.entry_seq",
        "s.prev_hash",
        "s.hash",
        "e.cause_type",
        "e.cause_id",
        "e.order_id",
        "e.description",
        "e.posted_at",
      ])
      .where("s.app_id", "=", appId)
      .where("s.position", ">", previous.position)
      .orderBy("s.position")
      .limit(PAGE)
      .execute();
    if (rows.length === 0) return { ...previous, count };
    const postingsOf = await postingsOfEntries(
      db,
      appId,
      rows.map((row) => Number(row.entry_seq)),
      problems,
    );
    for (const row of rows) {
      const position = Number(row.position);
      const where = `app ${appId} position ${position} (entry ${row.entry_seq}, ${row.cause_type} ${row.cause_id})`;
      if (position !== previous.position + 1)
        problems.push(`${where}: follows position ${previous.position}, seals are missing`);
      if (row.prev_hash !== previous.hash)
        problems.push(`${where}: prev_hash is not the previous seal's hash`);
      const postings = postingsOf.get(Number(row.entry_seq)) ?? [];
      const unbalanced = postingsProblem(postings);
      if (unbalanced) problems.push(`${where}: ${unbalanced}`);
      const hash =
        row.cause_type === null
          ? undefined
          : entryHash({
              appId,
              position,
              cause: { type: row.cause_type, id: row.cause_id! },
              orderId: row.order_id,
              description: row.description!,
              postedAt: Number(row.posted_at),
              prevHash: row.prev_hash,
              postings,
            });
      if (hash !== row.hash) problems.push(`${where}: its hash does not match its contents`);
      previous = { position, hash: row.hash };
      count += 1;
    }
  }
}

/** Each listed entry's postings in line order; a gap in the line numbers is a problem. */
async function postingsOfEntries(
  db: Executor,
  appId: string,
  seqs: number[],
  problems: string[],
): Promise<Map<number, Posting[]>> {
  const postingsOf = new Map<number, Posting[]>();
  if (seqs.length === 0) return postingsOf;
  const lines = await db
    .selectFrom("ledger_postings")
    .selectAll()
    .where("app_id", "=", appId)
    .where("entry_seq", "in", seqs)
    .orderBy("entry_seq")
    .orderBy("line")
    .execute();
  for (const line of lines) {
    const seq = Number(line.entry_seq);
    const list = postingsOf.get(seq) ?? [];
    if (line.line !== list.length + 1)
      problems.push(`app ${appId} entry ${seq}: line ${line.line} out of order`);
    list.push({ account: line.account_code as Posting["account"], amountFen: Number(line.amount_fen) });
    postingsOf.set(seq, list);
  }
  return postingsOf;
}

/** The entries waiting for their seal: each balances, and none is sealed already. Returns how many. */
async function checkUnsealed(db: Executor, problems: string[]): Promise<number> {
  const waiting = await db
    .selectFrom("ledger_unsealed as u")
    .leftJoin("ledger_seals as s", (join) =>
      join.onRef("s.app_id", "=", "u.app_id").onRef("s.entry_seq", "=", "u.entry_seq"),
    )
    .select(["u.app_id", "u.entry_seq", "s.position"])
    .orderBy("u.app_id")
    .orderBy("u.entry_seq")
    .execute();
  const byApp = new Map<string, number[]>();
  for (const row of waiting) {
    if (row.position !== null)
      problems.push(
        `app ${row.app_id} entry ${row.entry_seq}: sealed at ${row.position} and still waiting for its seal`,
      );
    byApp.set(row.app_id, [...(byApp.get(row.app_id) ?? []), Number(row.entry_seq)]);
  }
  for (const [appId, seqs] of byApp) {
    const postingsOf = await postingsOfEntries(db, appId, seqs, problems);
    for (const seq of seqs) {
      const unbalanced = postingsProblem(postingsOf.get(seq) ?? []);
      if (unbalanced) problems.push(`app ${appId} entry ${seq} (awaiting its seal): ${unbalanced}`);
    }
  }
  return waiting.length;
}

/**
 * Stored balances against the postings: an account that moves at posting holds all of its
 * postings, one that moves at sealing only its sealed ones (domain/ledger.ts movesAtPosting).
 */
async function checkAccounts(db: Executor, problems: string[]): Promise<number> {
  const accounts = await db.selectFrom("ledger_accounts").selectAll().execute();
  const sums = await db
    .selectFrom("ledger_postings as p")
    .leftJoin("ledger_unsealed as u", (join) =>
      join.onRef("u.app_id", "=", "p.app_id").onRef("u.entry_seq", "=", "p.entry_seq"),
    )
    .select((eb) => [
      "p.app_id",
      "p.account_code",
      eb.fn.sum<number | string>("p.amount_fen").as("net"),
      eb.fn
        .sum<number | string>(sql`case when u.entry_seq is null then p.amount_fen else 0 end`)
        .as("sealed"),
    ])
    .groupBy(["p.app_id", "p.account_code"])
    .execute();
  const sumOf = new Map(
    sums.map((row) => [
      `${row.app_id} ${row.account_code}`,
      { all: Number(row.net), sealed: Number(row.sealed) },
    ]),
  );
  for (const account of accounts) {
    const where = `app ${account.app_id} account ${account.code}`;
    const spec = accountSpec(account.code);
    if (!spec) {
      problems.push(`${where}: not an account code Kassa keeps`);
      continue;
    }
    if (
      spec.type !== account.type ||
      spec.normalSide !== account.normal_side ||
      spec.mayGoNegative !== (account.may_go_negative === 1)
    )
      problems.push(
        `${where}: stored as ${account.type}/${account.normal_side}, the code says ${spec.type}/${spec.normalSide}`,
      );
    const sum = sumOf.get(`${account.app_id} ${account.code}`) ?? { all: 0, sealed: 0 };
    const expected = balanceDelta(spec, movesAtPosting(spec) ? sum.all : sum.sealed);
    const balance = Number(account.balance_fen);
    if (balance !== expected)
      problems.push(
        `${where}: balance ${balance} but its ${movesAtPosting(spec) ? "" : "sealed "}postings sum to ${expected}`,
      );
    if (!spec.mayGoNegative && balance < 0) problems.push(`${where}: negative (${balance})`);
  }
  return accounts.length;
}

/**
 * Every PAID payment has its one entry: `payment_captured` when a channel collected it,
 * `wallet_payment` when the wallet paid it; no such entry names a payment that is not PAID.
 * Per order: what channels captured minus what they refunded = the ledger's net movement of
 * the channels' clearing accounts over the order's entries. Refunds add their refunded
 * amount to `expected` here when they exist (issue 9 §2).
 */
async function checkOrders(db: Executor, problems: string[]): Promise<void> {
  const paid = await db
    .selectFrom("payments")
    .select(["id", "app_id", "order_id", "channel", "amount_fen"])
    .where("status", "=", "PAID")
    .execute();
  const booked = await db
    .selectFrom("ledger_entries")
    .select(["app_id", "cause_type", "cause_id", "order_id"])
    .where("cause_type", "in", ["payment_captured", "wallet_payment"])
    .execute();
  const entryOf = new Map(
    booked.map((entry) => [`${entry.app_id} ${entry.cause_type} ${entry.cause_id}`, entry]),
  );
  const expected = new Map<string, number>();
  for (const payment of paid) {
    const external = isExternalChannel(payment.channel);
    const key = `${payment.app_id} ${external ? "payment_captured" : "wallet_payment"} ${payment.id}`;
    const entry = entryOf.get(key);
    if (!entry) problems.push(`payment ${payment.id} is PAID but the ledger has no entry for it`);
    else if (entry.order_id !== payment.order_id)
      problems.push(
        `payment ${payment.id}: its entry names order ${entry.order_id}, not ${payment.order_id}`,
      );
    entryOf.delete(key);
    if (!external) continue;
    const order = `${payment.app_id} ${payment.order_id}`;
    expected.set(order, (expected.get(order) ?? 0) + payment.amount_fen);
  }
  for (const entry of entryOf.values())
    problems.push(
      `${entry.cause_type} of payment ${entry.cause_id} in app ${entry.app_id}, which is not PAID`,
    );
  await checkRefunds(db, problems, expected);
  const moved = await db
    .selectFrom("ledger_postings as p")
    .innerJoin("ledger_entries as e", (join) =>
      join.onRef("e.app_id", "=", "p.app_id").onRef("e.seq", "=", "p.entry_seq"),
    )
    .select((eb) => ["e.app_id", "e.order_id", eb.fn.sum<number | string>("p.amount_fen").as("net")])
    .where("e.order_id", "is not", null)
    .where("p.account_code", "like", "%:clearing")
    .groupBy(["e.app_id", "e.order_id"])
    .execute();
  const ledger = new Map(moved.map((row) => [`${row.app_id} ${row.order_id}`, Number(row.net)]));
  for (const key of new Set([...expected.keys(), ...ledger.keys()])) {
    const [appId, orderId] = key.split(" ");
    const want = expected.get(key) ?? 0;
    const got = ledger.get(key) ?? 0;
    if (want !== got)
      problems.push(
        `app ${appId} order ${orderId}: captured - refunded is ${want} fen, the ledger says ${got}`,
      );
  }
}

/** Succeeded refunds against their entries; channel refunds come off the order's `expected`. */
async function checkRefunds(db: Executor, problems: string[], expected: Map<string, number>): Promise<void> {
  const succeeded = await db
    .selectFrom("refunds")
    .select(["id", "app_id", "order_id", "channel", "amount_fen"])
    .where("status", "=", "SUCCESS")
    .execute();
  const booked = await db
    .selectFrom("ledger_entries")
    .select(["app_id", "cause_id", "order_id"])
    .where("cause_type", "=", "refund_succeeded")
    .execute();
  const entryOf = new Map(booked.map((entry) => [`${entry.app_id} ${entry.cause_id}`, entry]));
  for (const refund of succeeded) {
    const key = `${refund.app_id} ${refund.id}`;
    const entry = entryOf.get(key);
    if (!entry) problems.push(`refund ${refund.id} is SUCCESS but the ledger has no entry for it`);
    else if (entry.order_id !== refund.order_id)
      problems.push(`refund ${refund.id}: its entry names order ${entry.order_id}, not ${refund.order_id}`);
    entryOf.delete(key);
    if (!isExternalChannel(refund.channel)) continue;
    const order = `${refund.app_id} ${refund.order_id}`;
    expected.set(order, (expected.get(order) ?? 0) - refund.amount_fen);
  }
  for (const entry of entryOf.values())
    problems.push(
      `refund_succeeded of refund ${entry.cause_id} in app ${entry.app_id}, which is not SUCCESS`,
    );
}
