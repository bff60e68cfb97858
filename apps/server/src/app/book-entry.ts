import { appendOutboxEvent } from "../db/events-repo.ts";
import type { Executor } from "../db/executor.ts";
import { accountBalance, type NewLedgerEntry, postEntry } from "../db/ledger-repo.ts";
import { afterCommit } from "../db/transaction.ts";
import { makeId } from "../domain/ids.ts";
import { walletOwner } from "../domain/ledger.ts";
import type { AppDeps } from "./deps.ts";

/** What booking needs: ids for its events, and /metrics to tell once the entry is committed. */
export type BookingDeps = Pick<AppDeps, "ids" | "observe">;

/**
 * The one way the app books a ledger entry: postEntry, and, when it posted (never on
 * "already_posted", so a duplicate notification, a retried job or a racing query that finds
 * the cause booked tells nobody twice), one `wallet.credited` event per wallet the entry
 * credits, in the same transaction (issue 11: every state change a merchant acts on).
 *
 * The event's aggregate is the wallet's account (`wallet:usr_…`). postEntry has just moved
 * that account's balance in an UPDATE, which holds its row lock until commit on PostgreSQL
 * (SQLite has one writer), so the wallet's writers take their `sequence` one after the other
 * (events-repo.ts appendOutboxEvent), and the balance read here is this credit's own.
 *
 * The entry is counted on /metrics (kassa_ledger_entries_total) after the caller's
 * transaction commits, however many calls up it was opened: a count inside it would also
 * count an entry a later step rolled back (a wallet's CHECK, a deadlock's retry).
 *
 * Only app/ code books; a test (book-entry.test.ts) keeps postEntry's other callers out.
 */
export async function bookEntry(
  trx: Executor,
  deps: BookingDeps,
  entry: NewLedgerEntry,
): Promise<"posted" | "already_posted"> {
  const { ids } = deps;
  const result = await postEntry(trx, entry);
  if (result === "already_posted") return result;
  afterCommit(trx, () =>
    deps.observe.ledgerEntryPosted({ cause: entry.cause.type, postings: entry.postings }),
  );
  for (const posting of entry.postings) {
    // A credit is negative (ledger.ts: debit positive); a wallet's normal side is credit.
    const userId = walletOwner(posting.account);
    if (userId === undefined || posting.amountFen >= 0) continue;
    await appendOutboxEvent(trx, {
      id: makeId("event", ids),
      appId: entry.appId,
      type: "wallet.credited",
      aggregateId: posting.account,
      payload: {
        userId,
        amountFen: -posting.amountFen,
        balanceFen: await accountBalance(trx, entry.appId, posting.account),
        cause: { type: entry.cause.type, id: entry.cause.id },
        orderId: entry.orderId,
        description: entry.description,
      },
      now: entry.now,
    });
  }
  return result;
}
