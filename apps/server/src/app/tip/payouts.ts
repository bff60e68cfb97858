import type { Executor } from "../../db/executor.ts";
import { accountBalance } from "../../db/ledger-repo.ts";
import { insertPayout, listPayoutsOfRecipient, type Payout } from "../../db/tips-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { idPattern, makeId } from "../../domain/ids.ts";
import { tipPayableAccount } from "../../domain/ledger.ts";
import { ledgerEntryFor } from "../../domain/ledger-postings.ts";
import { bookEntry } from "../book-entry.ts";
import type { AppDeps } from "../deps.ts";
import { decodeCursor, pageOfRows } from "../page-cursor.ts";
import { foundRecipient } from "./merchant-recipients.ts";
import { type PayoutView, viewPayout } from "./views.ts";

const PAYOUT_ID = idPattern("tipPayout");

/**
 * Record that the merchant paid a recipient (outside Kassa: paying the person is the
 * merchant's, by bank transfer or cash): one ledger entry, Dr `tips:<recipient>` / Cr
 * `payouts` (ledger-postings.ts tip_payout), in the payout's transaction. The payable may not
 * go below zero, so a payout above what is owed is refused by its CHECK (the read before it
 * only gives the refusal its `balanceFen`), also when two payouts race. A deactivated
 * recipient can still be paid what it is owed. The merchant API makes it idempotent with the
 * Idempotency-Key, as every merchant write.
 */
export async function recordPayout(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; recipientId: string; amountFen: number; reference: string | undefined },
): Promise<PayoutView & { balanceFen: number }> {
  await foundRecipient(trx, input.appId, input.recipientId);
  const account = tipPayableAccount(input.recipientId);
  const balanceFen = await accountBalance(trx, input.appId, account);
  if (input.amountFen > balanceFen) throw new KassaError("TIP_PAYOUT_ABOVE_BALANCE", { balanceFen });
  const now = deps.clock.now();
  const payout: Payout = {
    id: makeId("tipPayout", deps.ids),
    appId: input.appId,
    recipientId: input.recipientId,
    amountFen: input.amountFen,
    reference: input.reference ?? null,
    createdAt: now,
  };
  await insertPayout(trx, payout);
  const draft = ledgerEntryFor({
    rule: "tip_payout",
    payoutId: payout.id,
    recipientId: input.recipientId,
    amountFen: input.amountFen,
  });
  try {
    await bookEntry(trx, deps, { appId: input.appId, orderId: null, now, ...draft });
  } catch (error) {
    // Another payout or a refund's hold committed between the read and this posting.
    if (error instanceof KassaError && error.code === "WALLET_INSUFFICIENT_FUNDS")
      throw new KassaError("TIP_PAYOUT_ABOVE_BALANCE", { balanceFen: await safeBalance(deps, input) });
    throw error;
  }
  return { ...viewPayout(payout), balanceFen: await accountBalance(trx, input.appId, account) };
}

/** Read outside the aborted transaction (PostgreSQL refuses reads in it after a failed statement). */
async function safeBalance(deps: AppDeps, input: { appId: string; recipientId: string }): Promise<number> {
  return accountBalance(deps.db, input.appId, tipPayableAccount(input.recipientId));
}

export async function listPayouts(
  deps: AppDeps,
  input: { appId: string; recipientId: string; limit: number; cursor: string | undefined },
): Promise<{ data: PayoutView[]; nextCursor: string | null }> {
  await foundRecipient(deps.db, input.appId, input.recipientId);
  const after = input.cursor === undefined ? undefined : decodeCursor(input.cursor, PAYOUT_ID);
  const rows = await listPayoutsOfRecipient(deps.db, {
    recipientId: input.recipientId,
    after,
    limit: input.limit + 1,
  });
  const { page, nextCursor } = pageOfRows(rows, input.limit, (row) => ({
    createdAt: row.createdAt,
    id: row.id,
  }));
  return {
    data: page.map(viewPayout),
    nextCursor,
  };
}
