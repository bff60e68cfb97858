import { sql } from "kysely";
import { accountSpec, balanceDelta, GENESIS_HASH, movesAtPosting, type Posting } from "../domain/ledger.ts";
import type { Executor } from "./executor.ts";
import { entryHash } from "./ledger-hash.ts";
import { inTransaction } from "./transaction.ts";

/** Entries sealed per transaction: enough to drain a burst in a few, short enough to hold the head briefly. */
export const SEAL_BATCH = 500;

/**
 * Seal what is waiting in `ledger_unsealed` (migration 0016): per app, in one transaction,
 * lock the app's head, give each waiting entry the next position in the chain and its hash,
 * move the app-wide balances (the accounts that do not move at posting, domain/ledger.ts
 * movesAtPosting) by what the batch posted, one UPDATE per account, and take the entries off
 * the queue. The whole batch commits or none of it does, so a crash while sealing leaves
 * the entries waiting, and the next seal takes them again.
 *
 * Any number of sealers, in any number of instances, may run at once: the head row's lock
 * orders them per app, and the second one, once it has the lock, reads the queue as the
 * first left it. Postings never take that lock, so sealing never holds back a payment.
 *
 * Returns how many entries were sealed.
 */
export async function sealLedger(db: Executor, input: { now: number; batch?: number }): Promise<number> {
  const apps = await db.selectFrom("ledger_unsealed").select("app_id").distinct().execute();
  let sealed = 0;
  for (const { app_id: appId } of apps) {
    for (;;) {
      const batch = input.batch ?? SEAL_BATCH;
      const count = await inTransaction(db, (trx) => sealBatch(trx, appId, input.now, batch));
      sealed += count;
      if (count < batch) break;
    }
  }
  return sealed;
}

async function sealBatch(trx: Executor, appId: string, now: number, batch: number): Promise<number> {
  const head = await lockHead(trx, appId);
  const entries = await trx
    .selectFrom("ledger_unsealed as u")
    .innerJoin("ledger_entries as e", (join) =>
      join.onRef("e.app_id", "=", "u.app_id").onRef("e.seq", "=", "u.entry_seq"),
    )
    .selectAll("e")
    .where("u.app_id", "=", appId)
    .orderBy("u.entry_seq")
    .limit(batch)
    .execute();
  if (entries.length === 0) return 0;
  const seqs = entries.map((entry) => Number(entry.seq));
  const lines = await trx
    .selectFrom("ledger_postings")
    .select(["entry_seq", "account_code", "amount_fen"])
    .where("app_id", "=", appId)
    .where("entry_seq", "in", seqs)
    .orderBy("entry_seq")
    .orderBy("line")
    .execute();
  const postingsOf = new Map<number, Posting[]>();
  for (const line of lines) {
    const list = postingsOf.get(Number(line.entry_seq)) ?? [];
    list.push({ account: line.account_code as Posting["account"], amountFen: Number(line.amount_fen) });
    postingsOf.set(Number(line.entry_seq), list);
  }
  let previous = head;
  const seals = [];
  const moves = new Map<string, number>();
  for (const entry of entries) {
    const postings = postingsOf.get(Number(entry.seq)) ?? [];
    const position = previous.position + 1;
    const hash = entryHash({
      appId,
      position,
      cause: { type: entry.cause_type, id: entry.cause_id },
      orderId: entry.order_id,
      description: entry.description,
      postedAt: Number(entry.posted_at),
      prevHash: previous.hash,
      postings,
    });
    seals.push({
      app_id: appId,
      position,
      entry_seq: Number(entry.seq),
      prev_hash: previous.hash,
      hash,
      sealed_at: now,
    });
    for (const posting of postings) {
      const spec = accountSpec(posting.account)!;
      if (movesAtPosting(spec)) continue;
      moves.set(posting.account, (moves.get(posting.account) ?? 0) + balanceDelta(spec, posting.amountFen));
    }
    previous = { position, hash };
  }
  await trx.insertInto("ledger_seals").values(seals).execute();
  // In code order, as postings lock the accounts they move, so two sealers never deadlock.
  for (const [code, delta] of [...moves].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (delta === 0) continue;
    await trx
      .updateTable("ledger_accounts")
      .set({ balance_fen: sql`balance_fen + ${delta}` })
      .where("app_id", "=", appId)
      .where("code", "=", code)
      .execute();
  }
  await trx
    .deleteFrom("ledger_unsealed")
    .where("app_id", "=", appId)
    .where("entry_seq", "in", seqs)
    .execute();
  await trx
    .updateTable("ledger_heads")
    .set({ seq: previous.position, hash: previous.hash })
    .where("app_id", "=", appId)
    .execute();
  return entries.length;
}

/**
 * The app's chain head, locked until the transaction ends: a no-op UPDATE takes the row
 * lock on PostgreSQL and, under READ COMMITTED, returns the row as the previous holder
 * committed it. The first seal of an app makes the row (a concurrent first seal waits on
 * the insert, then finds it).
 */
async function lockHead(trx: Executor, appId: string): Promise<{ position: number; hash: string }> {
  await trx
    .insertInto("ledger_heads")
    .values({ app_id: appId, seq: 0, hash: GENESIS_HASH })
    .onConflict((conflict) => conflict.column("app_id").doNothing())
    .execute();
  const head = await trx
    .updateTable("ledger_heads")
    .set({ seq: sql`seq` })
    .where("app_id", "=", appId)
    .returning(["seq", "hash"])
    .executeTakeFirstOrThrow();
  return { position: Number(head.seq), hash: head.hash };
}

/** How many entries wait for their seal, and since when (the oldest's posted_at), for checks and metrics. */
export async function unsealedBacklog(
  db: Executor,
): Promise<{ count: number; oldestPostedAt: number | null }> {
  const row = await db
    .selectFrom("ledger_unsealed as u")
    .innerJoin("ledger_entries as e", (join) =>
      join.onRef("e.app_id", "=", "u.app_id").onRef("e.seq", "=", "u.entry_seq"),
    )
    .select((eb) => [eb.fn.countAll<number | string>().as("count"), eb.fn.min("e.posted_at").as("oldest")])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldestPostedAt: row.oldest === null ? null : Number(row.oldest) };
}
