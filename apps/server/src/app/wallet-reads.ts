import { accountBalance } from "../db/ledger-repo.ts";
import { walletPostings } from "../db/wallet-repo.ts";
import { KassaError } from "../domain/errors.ts";
import { walletAccount } from "../domain/ledger.ts";
import { formatYuan, toFen } from "../domain/money.ts";
import type { AppDeps } from "./deps.ts";

/** What the payer sees of their wallet (issue 9 §3): the balance, from the ledger. */
export interface WalletView {
  balanceFen: number;
  balanceYuan: string;
}

/** One line of a wallet's history: an entry that moved it. */
export interface WalletHistoryItem {
  /** What moved it: `payment_captured` (a top-up), `wallet_payment`, `refund_succeeded`, `wallet_adjustment`. */
  cause: string;
  orderId: string | null;
  description: string;
  /** Positive: credited to the wallet; negative: spent from it. */
  amountFen: number;
  amountYuan: string;
  postedAt: string;
}

export async function walletOf(deps: AppDeps, input: { appId: string; userId: string }): Promise<WalletView> {
  const balanceFen = await accountBalance(deps.db, input.appId, walletAccount(input.userId));
  return { balanceFen, balanceYuan: formatYuan(toFen(balanceFen)) };
}

/**
 * The caller's wallet history, newest first, a page at a time. The cursor is the last
 * entry's number in the app's chain, so entries posted while paging never shift a page.
 */
export async function walletHistory(
  deps: AppDeps,
  input: { appId: string; userId: string; limit: number; cursor: string | undefined },
): Promise<{ data: WalletHistoryItem[]; nextCursor: string | null }> {
  const beforeSeq = input.cursor === undefined ? undefined : decodeSeq(input.cursor);
  const rows = await walletPostings(deps.db, { ...input, beforeSeq, limit: input.limit + 1 });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map((row) => ({
      cause: row.causeType,
      orderId: row.orderId,
      description: row.description,
      amountFen: row.amountFen,
      amountYuan: formatYuan(toFen(row.amountFen)),
      postedAt: new Date(row.postedAt).toISOString(),
    })),
    nextCursor:
      rows.length > input.limit && last ? Buffer.from(`wal:${last.seq}`).toString("base64url") : null,
  };
}

function decodeSeq(cursor: string): number {
  const text = /^[A-Za-z0-9_-]{1,40}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const match = /^wal:([0-9]{1,15})$/.exec(text);
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
  return Number(match[1]);
}
