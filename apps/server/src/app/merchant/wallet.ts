import type { Executor } from "../../db/executor.ts";
import { insertAdjustment, isUserOfApp, walletAccounts } from "../../db/wallet-repo.ts";
import { insertTier, listTiers, type StoredWalletTier, updateTier } from "../../db/wallet-tiers-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { makeId } from "../../domain/ids.ts";
import { ledgerEntryFor } from "../../domain/ledger-postings.ts";
import { formatYuan, toFen } from "../../domain/money.ts";
import { bookEntry } from "../book-entry.ts";
import type { AppDeps } from "../deps.ts";

/**
 * The merchant API's side of the wallet (issue 9 §3): the app's top-up tiers, its payers'
 * balances, and a manual adjustment of one wallet with a reason, booked `wallet_adjusted`
 * in the transaction that records it. Always the key's app.
 */
export interface TierView {
  id: string;
  amountFen: number;
  bonusFen: number;
  creditFen: number;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

function viewTier(tier: StoredWalletTier): TierView {
  return {
    id: tier.id,
    amountFen: tier.amountFen,
    bonusFen: tier.bonusFen,
    creditFen: tier.amountFen + tier.bonusFen,
    active: tier.active,
    createdAt: new Date(tier.createdAt).toISOString(),
    updatedAt: new Date(tier.updatedAt).toISOString(),
  };
}

export async function listMerchantTiers(deps: AppDeps, appId: string): Promise<{ data: TierView[] }> {
  return { data: (await listTiers(deps.db, { appId, activeOnly: false })).map(viewTier) };
}

export async function createMerchantTier(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; amountFen: number; bonusFen: number; active: boolean },
): Promise<TierView> {
  const now = deps.clock.now();
  const tier: StoredWalletTier = {
    id: makeId("walletTier", deps.ids),
    appId: input.appId,
    amountFen: toFen(input.amountFen),
    bonusFen: toFen(input.bonusFen),
    active: input.active,
    createdAt: now,
    updatedAt: now,
  };
  await insertTier(trx, tier);
  return viewTier(tier);
}

export async function changeMerchantTier(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; tierId: string; amountFen?: number; bonusFen?: number; active?: boolean },
): Promise<TierView> {
  const tier = await updateTier(trx, { ...input, now: deps.clock.now() });
  if (!tier) throw new KassaError("WALLET_TIER_NOT_FOUND");
  return viewTier(tier);
}

export interface BalanceView {
  userId: string;
  balanceFen: number;
  balanceYuan: string;
  /** The wallet's first movement. */
  createdAt: string;
}

/** The app's wallets in user id order; a wallet exists from its first credit. */
export async function listWalletBalances(
  deps: AppDeps,
  input: { appId: string; limit: number; cursor: string | undefined; userId: string | undefined },
): Promise<{ data: BalanceView[]; nextCursor: string | null }> {
  const afterUserId = input.cursor === undefined ? undefined : decodeUser(input.cursor);
  const rows = await walletAccounts(deps.db, {
    appId: input.appId,
    limit: input.limit + 1,
    ...(afterUserId !== undefined ? { afterUserId } : {}),
    ...(input.userId !== undefined ? { userId: input.userId } : {}),
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map((row) => ({
      userId: row.userId,
      balanceFen: row.balanceFen,
      balanceYuan: formatYuan(toFen(row.balanceFen)),
      createdAt: new Date(row.createdAt).toISOString(),
    })),
    nextCursor:
      rows.length > input.limit && last ? Buffer.from(`bal:${last.userId}`).toString("base64url") : null,
  };
}

function decodeUser(cursor: string): string {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const match = /^bal:(usr_[0-9a-z]{1,60})$/.exec(text);
  if (!match?.[1])
    throw new KassaError("REQUEST_INVALID", {
      issues: [
        {
          field: "querystring/cursor",
          issue:
            "not a cursor Kassa gave: send back a page's nextCursor unchanged, or none for the first page",
        },
      ],
    });
  return match[1];
}

export interface AdjustmentView {
  id: string;
  userId: string;
  amountFen: number;
  reason: string;
  createdAt: string;
}

/**
 * Credit (+) or debit (−) one payer's wallet by hand, with the reason, in the caller's
 * transaction: the adjustment row and its `wallet_adjusted` entry together (a credit with its
 * `wallet.credited` event, book-entry.ts). A debit below
 * zero is refused by the ledger's CHECK (WALLET_INSUFFICIENT_FUNDS) and nothing is kept.
 */
export async function adjustWallet(
  deps: AppDeps,
  trx: Executor,
  input: { appId: string; userId: string; amountFen: number; reason: string },
): Promise<AdjustmentView> {
  if (!(await isUserOfApp(trx, input.appId, input.userId))) throw new KassaError("WALLET_USER_NOT_FOUND");
  const now = deps.clock.now();
  const id = makeId("walletAdjustment", deps.ids);
  await insertAdjustment(trx, { id, ...input, now });
  const draft = ledgerEntryFor({
    rule: "wallet_adjusted",
    adjustmentId: id,
    userId: input.userId,
    amountFen: input.amountFen,
  });
  await bookEntry(trx, deps, { appId: input.appId, orderId: null, now, ...draft });
  return {
    id,
    userId: input.userId,
    amountFen: input.amountFen,
    reason: input.reason,
    createdAt: new Date(now).toISOString(),
  };
}
