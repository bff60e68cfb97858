import { listAccounts, listEntries, trialBalanceRows } from "../../db/ledger-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { accountSpec, balanceDelta } from "../../domain/ledger.ts";
import { formatYuan, toFen } from "../../domain/money.ts";
import type { AppDeps } from "../deps.ts";

/**
 * The merchant API's reads of the books (issue 9 §1): balances, the journal and a day's
 * trial balance, always of the key's app. docs/ledger.md explains the accounts and signs.
 */
export interface AccountView {
  code: string;
  type: string;
  normalSide: string;
  currency: string;
  balanceFen: number;
  balanceYuan: string;
  mayGoNegative: boolean;
  createdAt: string;
}

export interface EntryView {
  seq: number;
  /** Its place in the app's hash chain; null (and the hashes too) until the sealer seals it. */
  position: number | null;
  causeType: string;
  causeId: string;
  orderId: string | null;
  description: string;
  postedAt: string;
  prevHash: string | null;
  hash: string | null;
  postings: { account: string; amountFen: number; side: "debit" | "credit" }[];
}

/** Cursors: `<kind>:<position>` in base64url, opaque to clients, refused by name when forged. */
function encode(kind: string, position: string): string {
  return Buffer.from(`${kind}:${position}`, "utf8").toString("base64url");
}

function decode(kind: string, cursor: string, pattern: RegExp, field: string): string {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, "base64url").toString("utf8") : "";
  const position = text.startsWith(`${kind}:`) ? text.slice(kind.length + 1) : "";
  if (!pattern.test(position))
    throw new KassaError("REQUEST_INVALID", {
      issues: [
        {
          field,
          issue:
            "not a cursor Kassa gave: send back the last nextCursor unchanged, or none to start at the first",
        },
      ],
    });
  return position;
}

export async function listLedgerAccounts(
  deps: AppDeps,
  input: { appId: string; limit: number; cursor: string | undefined },
): Promise<{ data: AccountView[]; nextCursor: string | null }> {
  const afterCode =
    input.cursor === undefined
      ? undefined
      : decode("acc", input.cursor, /^[^\p{C}]{1,200}$/u, "querystring/cursor");
  const rows = await listAccounts(deps.db, {
    appId: input.appId,
    limit: input.limit + 1,
    ...(afterCode !== undefined ? { afterCode } : {}),
  });
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    data: page.map((row) => ({
      code: row.code,
      type: row.type,
      normalSide: row.normal_side,
      currency: row.currency,
      balanceFen: row.balance_fen,
      balanceYuan: formatYuan(toFen(row.balance_fen)),
      mayGoNegative: row.may_go_negative === 1,
      createdAt: new Date(row.created_at).toISOString(),
    })),
    nextCursor: rows.length > input.limit && last ? encode("acc", last.code) : null,
  };
}

/**
 * The journal in chain order (oldest first), like the event feed: `nextCursor` is the last
 * sealed entry's position, or the same `after` when nothing new was sealed, so a reader can
 * poll. An order's entries still awaiting their seal come last (db/ledger-repo.ts listEntries).
 */
export async function listLedgerEntries(
  deps: AppDeps,
  input: { appId: string; limit: number; after: string | undefined; orderId: string | undefined },
): Promise<{ data: EntryView[]; hasMore: boolean; nextCursor: string | null }> {
  const afterPosition =
    input.after === undefined
      ? undefined
      : Number(decode("led", input.after, /^[0-9]{1,15}$/, "querystring/after"));
  const rows = await listEntries(deps.db, {
    appId: input.appId,
    limit: input.limit + 1,
    ...(afterPosition !== undefined ? { afterPosition } : {}),
    ...(input.orderId !== undefined ? { orderId: input.orderId } : {}),
  });
  const page = rows.slice(0, input.limit);
  const last = page.findLast((row) => row.position !== null);
  return {
    data: page.map((row) => ({
      seq: row.seq,
      position: row.position,
      causeType: row.cause_type,
      causeId: row.cause_id,
      orderId: row.order_id,
      description: row.description,
      postedAt: new Date(row.posted_at).toISOString(),
      prevHash: row.prev_hash,
      hash: row.hash,
      postings: row.postings.map((posting) => ({
        ...posting,
        side: posting.amountFen > 0 ? ("debit" as const) : ("credit" as const),
      })),
    })),
    hasMore: rows.length > input.limit,
    nextCursor: last ? encode("led", String(last.position)) : (input.after ?? null),
  };
}

/** A day is a calendar day in China (UTC+8, no daylight saving), as WeChat Pay's bills count it. */
const CHINA_OFFSET_MS = 8 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

export function chinaDay(date: string): { from: number; to: number } {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(year, month - 1, day);
  if (Number.isNaN(midnightUtc) || new Date(midnightUtc).toISOString().slice(0, 10) !== date)
    throw new KassaError("REQUEST_INVALID", {
      issues: [{ field: "querystring/date", issue: "not a calendar day: send YYYY-MM-DD, e.g. 2026-12-01" }],
    });
  const from = midnightUtc - CHINA_OFFSET_MS;
  return { from, to: from + DAY_MS };
}

/**
 * A trial balance for one day: per account its opening balance (on its normal side), the
 * day's debits and credits, and the closing balance. Totals: the day's debits equal its
 * credits, and the closing balances in debit and in credit equal each other, because every
 * entry balances.
 */
export async function ledgerTrialBalance(deps: AppDeps, input: { appId: string; date: string }) {
  const day = chinaDay(input.date);
  const rows = await trialBalanceRows(deps.db, { appId: input.appId, ...day });
  const totals = { debitsFen: 0, creditsFen: 0, closingDebitFen: 0, closingCreditFen: 0 };
  const accounts = rows.map((row) => {
    const spec = accountSpec(row.code);
    if (!spec) throw new Error(`account ${row.code} of app ${input.appId} is not a code Kassa keeps`);
    // Today's balance wound back over everything posted since the day began.
    const opening = row.balance_fen - balanceDelta(spec, row.since);
    const closing = opening + balanceDelta(spec, row.debits - row.credits);
    // The closing balance as a debit (positive) or a credit (negative), for the totals.
    const signed = balanceDelta(spec, closing);
    totals.debitsFen += row.debits;
    totals.creditsFen += row.credits;
    if (signed > 0) totals.closingDebitFen += signed;
    else totals.closingCreditFen -= signed;
    return {
      code: row.code,
      type: row.type,
      normalSide: row.normal_side,
      openingFen: opening,
      debitsFen: row.debits,
      creditsFen: row.credits,
      closingFen: closing,
    };
  });
  return {
    date: input.date,
    timezone: "Asia/Shanghai",
    from: new Date(day.from).toISOString(),
    to: new Date(day.to).toISOString(),
    accounts,
    totals,
  };
}
