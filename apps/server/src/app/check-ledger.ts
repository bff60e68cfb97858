import type { Executor } from "../db/executor.ts";
import { entryHash } from "../db/ledger-hash.ts";
import { accountSpec, balanceDelta, GENESIS_HASH, type Posting, postingsProblem } from "../domain/ledger.ts";
import { isExternalChannel } from "../domain/payment.ts";

/** What checkLedger found: counts, and one sentence per broken rule (empty when the books hold). */
export interface LedgerReport {
  apps: number;
  entries: number;
  accounts: number;
  problems: string[];
}

const PAGE = 1_000;

/**
 * Audit the books against the rules of issue 9 §1, reading only (`npm run kassa -- ledger
 * check`, and the end of every money flow test):
 * - each app's entries are numbered 1..n, each names the previous one's hash, and each hash
 *   is the one its stored fields and postings give (so an edited or removed entry shows);
 * - every entry balances (two or more non-zero postings summing to zero);
 * - every account's balance is the sum of its postings, its kind is its code's, and no
 *   account that may not go negative (a wallet) is below zero;
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
  let entries = 0;
  for (const appId of [...apps].sort()) {
    const last = await checkChain(db, appId, problems);
    entries += last.count;
    const head = headOf.get(appId);
    if (!head) problems.push(`app ${appId}: entries but no chain head`);
    else if (head.seq !== last.seq || head.hash !== last.hash)
      problems.push(`app ${appId}: the head says entry ${head.seq}, the chain ends at ${last.seq}`);
  }
  const accounts = await checkAccounts(db, problems);
  await checkOrders(db, problems);
  return { apps: apps.size, entries, accounts, problems };
}

/** Walk one app's chain in pages, recomputing each hash from the stored rows. */
async function checkChain(db: Executor, appId: string, problems: string[]) {
  let previous = { seq: 0, hash: GENESIS_HASH };
  let count = 0;
  for (;;) {
    const rows = await db
      .selectFrom("ledger_entries")
      .selectAll()
      .where("app_id", "=", appId)
      .where("seq", ">", previous.seq)
      .orderBy("seq")
      .limit(PAGE)
      .execute();
    if (rows.length === 0) return { ...previous, count };
    const lines = await db
      .selectFrom("ledger_postings")
      .selectAll()
      .where("app_id", "=", appId)
      .where("entry_seq", ">=", rows[0]!.seq)
      .where("entry_seq", "<=", rows.at(-1)!.seq)
      .orderBy("entry_seq")
      .orderBy("line")
      .execute();
    const postingsOf = new Map<number, Posting[]>();
    for (const line of lines) {
      const list = postingsOf.get(line.entry_seq) ?? [];
      if (line.line !== list.length + 1)
        problems.push(`app ${appId} entry ${line.entry_seq}: line ${line.line} out of order`);
      list.push({ account: line.account_code as Posting["account"], amountFen: line.amount_fen });
      postingsOf.set(line.entry_seq, list);
    }
    for (const row of rows) {
      const where = `app ${appId} entry ${row.seq} (${row.cause_type} ${row.cause_id})`;
      if (row.seq !== previous.seq + 1)
        problems.push(`${where}: follows entry ${previous.seq}, entries are missing`);
      if (row.prev_hash !== previous.hash)
        problems.push(`${where}: prev_hash is not the previous entry's hash`);
      const postings = postingsOf.get(row.seq) ?? [];
      const unbalanced = postingsProblem(postings);
      if (unbalanced) problems.push(`${where}: ${unbalanced}`);
      const hash = entryHash({
        appId,
        seq: row.seq,
        cause: { type: row.cause_type, id: row.cause_id },
        orderId: row.order_id,
        description: row.description,
        postedAt: row.posted_at,
        prevHash: row.prev_hash,
        postings,
      });
      if (hash !== row.hash) problems.push(`${where}: its hash does not match its contents`);
      previous = { seq: row.seq, hash: row.hash };
      count += 1;
    }
  }
}

async function checkAccounts(db: Executor, problems: string[]): Promise<number> {
  const accounts = await db.selectFrom("ledger_accounts").selectAll().execute();
  const sums = await db
    .selectFrom("ledger_postings")
    .select((eb) => ["app_id", "account_code", eb.fn.sum<number | string>("amount_fen").as("net")])
    .groupBy(["app_id", "account_code"])
    .execute();
  const netOf = new Map(sums.map((row) => [`${row.app_id} ${row.account_code}`, Number(row.net)]));
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
    const expected = balanceDelta(spec, netOf.get(`${account.app_id} ${account.code}`) ?? 0);
    if (account.balance_fen !== expected)
      problems.push(`${where}: balance ${account.balance_fen} but its postings sum to ${expected}`);
    if (!spec.mayGoNegative && account.balance_fen < 0)
      problems.push(`${where}: negative (${account.balance_fen})`);
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
