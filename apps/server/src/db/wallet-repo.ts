import { walletAccount, walletOwner } from "../domain/ledger.ts";
import type { Executor } from "./executor.ts";

/**
 * Reads of the wallet from the ledger (the balances are ledger accounts `wallet:usr_…`,
 * docs/ledger.md): one wallet's postings newest first, and the app's wallets by holder.
 */

export interface WalletPostingRow {
  seq: number;
  causeType: string;
  causeId: string;
  orderId: string | null;
  description: string;
  postedAt: number;
  /** Signed on the wallet's side: positive credits the wallet, negative spends it. */
  amountFen: number;
}

/**
 * One page of a wallet's history, newest first, before entry `beforeSeq`. Walks the
 * `ledger_postings_account` index (app, account, entry) backwards: a page costs its size,
 * whatever the wallet's age.
 */
export async function walletPostings(
  db: Executor,
  query: { appId: string; userId: string; beforeSeq: number | undefined; limit: number },
): Promise<WalletPostingRow[]> {
  let rows = db
    .selectFrom("ledger_postings as p")
    .innerJoin("ledger_entries as e", (join) =>
      join.onRef("e.app_id", "=", "p.app_id").onRef("e.seq", "=", "p.entry_seq"),
    )
    .select([
      "e.seq",
      "e.cause_type",
      "e.cause_id",
      "e.order_id",
      "e.description",
      "e.posted_at",
      "p.amount_fen",
    ])
    .where("p.app_id", "=", query.appId)
    .where("p.account_code", "=", walletAccount(query.userId));
  if (query.beforeSeq !== undefined) rows = rows.where("p.entry_seq", "<", query.beforeSeq);
  const found = await rows.orderBy("p.entry_seq", "desc").limit(query.limit).execute();
  return found.map((row) => ({
    seq: Number(row.seq),
    causeType: row.cause_type,
    causeId: row.cause_id,
    orderId: row.order_id,
    description: row.description,
    postedAt: row.posted_at,
    // A wallet is credit-normal: a credit (negative posting) raises its balance.
    amountFen: -Number(row.amount_fen),
  }));
}

/** The app's wallets in holder order, after `afterUserId`; or one holder's. */
export async function walletAccounts(
  db: Executor,
  query: { appId: string; afterUserId?: string; userId?: string; limit: number },
) {
  let rows = db
    .selectFrom("ledger_accounts")
    .select(["code", "balance_fen", "created_at"])
    .where("app_id", "=", query.appId)
    .where("code", "like", "wallet:%");
  if (query.userId !== undefined) rows = rows.where("code", "=", walletAccount(query.userId));
  if (query.afterUserId !== undefined) rows = rows.where("code", ">", walletAccount(query.afterUserId));
  const found = await rows.orderBy("code").limit(query.limit).execute();
  return found.map((row) => ({
    userId: walletOwner(row.code) as string,
    balanceFen: Number(row.balance_fen),
    createdAt: row.created_at,
  }));
}

/** Whether this user has logged in to this app (a wallet is only ever a known payer's). */
export async function isUserOfApp(db: Executor, appId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom("users")
    .select("id")
    .where("id", "=", userId)
    .where("app_id", "=", appId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function insertAdjustment(
  db: Executor,
  adjustment: { id: string; appId: string; userId: string; amountFen: number; reason: string; now: number },
): Promise<void> {
  await db
    .insertInto("wallet_adjustments")
    .values({
      id: adjustment.id,
      app_id: adjustment.appId,
      user_id: adjustment.userId,
      amount_fen: adjustment.amountFen,
      reason: adjustment.reason,
      created_at: adjustment.now,
    })
    .execute();
}

/** What a top-up refund's request took out of the wallet into `refunds:pending` (0: none). */
export async function heldForRefund(db: Executor, appId: string, refundId: string): Promise<number> {
  const row = await db
    .selectFrom("ledger_postings as p")
    .innerJoin("ledger_entries as e", (join) =>
      join.onRef("e.app_id", "=", "p.app_id").onRef("e.seq", "=", "p.entry_seq"),
    )
    .select("p.amount_fen")
    .where("e.app_id", "=", appId)
    .where("e.cause_type", "=", "top_up_refund_requested")
    .where("e.cause_id", "=", refundId)
    .where("p.account_code", "=", "refunds:pending")
    .executeTakeFirst();
  // refunds:pending is credited by the request: a negative posting.
  return row ? -Number(row.amount_fen) : 0;
}
