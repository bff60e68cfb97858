import { EXTERNAL_CHANNELS, type ExternalChannelName } from "./payment.ts";

/**
 * Kassa's double-entry books (issue 9 §1), the pure part: accounts, postings, causes and
 * the hash that chains an app's entries. The database side is db/ledger-repo.ts; the only
 * place postings are built is domain/ledger-postings.ts.
 *
 * Amounts are integer fen. A posting's amount is signed: debit positive, credit negative
 * (payments-design-anchors.md §3; TigerBeetle's debits/credits folded into one sign), so an
 * entry balances when its postings sum to zero.
 */
export type AccountType = "asset" | "liability" | "revenue" | "expense";
export type NormalSide = "debit" | "credit";
export const LEDGER_CURRENCY = "CNY";

/** Stable codes a person can read; one set per app. */
export type AccountCode =
  | `${ExternalChannelName}:clearing`
  | `${ExternalChannelName}:fees`
  | "sales"
  | "refunds"
  | "promotions"
  | "adjustments"
  | "refunds:pending"
  | "payouts"
  | `wallet:${string}`
  | `tips:${string}`;

export interface AccountSpec {
  type: AccountType;
  /**
   * The side that makes the balance grow: the stored balance is debits - credits for a
   * debit-normal account and credits - debits for a credit-normal one, so a wallet's
   * balance is what Kassa owes its holder, a positive number.
   */
  normalSide: NormalSide;
  /** A wallet must not go below zero: the database refuses it (a CHECK, migration 0006). */
  mayGoNegative: boolean;
}

/**
 * Whether an account's stored balance moves in the posting's own transaction, or later, when
 * the sealer seals the entry (db/ledger-seal.ts). An account that must not go negative moves
 * at posting, so that its CHECK refuses an overdraw at once, before anything is committed;
 * those are per payer (wallets) or rarely posted (`refunds:pending`). The app-wide ones
 * (`sales`, the clearing account) are touched by nearly every entry: moving them at posting
 * made every capture of an app wait for the one before it to commit (bench/README.md).
 */
export function movesAtPosting(spec: AccountSpec): boolean {
  return !spec.mayGoNegative;
}

export const clearingAccount = (channel: ExternalChannelName): AccountCode => `${channel}:clearing`;
export const feesAccount = (channel: ExternalChannelName): AccountCode => `${channel}:fees`;
export const walletAccount = (userId: string): AccountCode => `wallet:${userId}`;
/** The payer whose wallet this account is (walletAccount's inverse); undefined for any other account. */
export function walletOwner(code: string): string | undefined {
  return accountSpec(code) === WALLET ? code.slice("wallet:".length) : undefined;
}
/** What the merchant owes a tip recipient (issue 10, "Tipping"): one account per recipient. */
export const tipPayableAccount = (recipientId: string): AccountCode => `tips:${recipientId}`;

/** Each channel's own pair: what it holds for the merchant, and what it charged. */
const CHANNEL_ACCOUNTS: Readonly<Record<string, AccountSpec>> = Object.fromEntries(
  EXTERNAL_CHANNELS.flatMap((channel) => [
    // Money the channel holds for the merchant (settled to the bank later).
    [clearingAccount(channel), { type: "asset", normalSide: "debit", mayGoNegative: true }],
    // The channel's fees, posted by reconciliation later.
    [feesAccount(channel), { type: "expense", normalSide: "debit", mayGoNegative: true }],
  ]),
);

const FIXED_ACCOUNTS: Readonly<Record<string, AccountSpec>> = {
  ...CHANNEL_ACCOUNTS,
  sales: { type: "revenue", normalSide: "credit", mayGoNegative: true },
  // Contra-revenue: refunds reduce sales without rewriting them.
  refunds: { type: "revenue", normalSide: "debit", mayGoNegative: true },
  // Top-up bonuses the merchant gives away.
  promotions: { type: "expense", normalSide: "debit", mayGoNegative: true },
  // Manual wallet adjustments by an operator.
  adjustments: { type: "expense", normalSide: "debit", mayGoNegative: true },
  // Top-up money taken out of a wallet for a refund the channel has not confirmed yet (the
  // wallet cannot spend it meanwhile); it leaves through the channel, or goes back if the
  // refund closes. Never below zero, like a wallet.
  "refunds:pending": { type: "liability", normalSide: "credit", mayGoNegative: false },
  // Payouts to tip recipients, made by the merchant outside Kassa (a bank transfer, cash):
  // the side a payout credits as it clears a recipient's payable. Kassa does not see the
  // account the money left, so this one stands for it; its balance is minus what was paid out.
  payouts: { type: "asset", normalSide: "debit", mayGoNegative: true },
};
const WALLET: AccountSpec = { type: "liability", normalSide: "credit", mayGoNegative: false };
/**
 * A tip recipient's payable: tips paid to them less payouts and refunds. Never below zero, so
 * it moves at posting and its CHECK refuses a payout or a refund of money already paid out.
 */
const TIP_PAYABLE: AccountSpec = { type: "liability", normalSide: "credit", mayGoNegative: false };

/** What an account code is; undefined for a code Kassa does not keep. */
export function accountSpec(code: string): AccountSpec | undefined {
  if (code.startsWith("wallet:") && code.length > "wallet:".length) return WALLET;
  if (code.startsWith("tips:") && code.length > "tips:".length) return TIP_PAYABLE;
  return FIXED_ACCOUNTS[code];
}

/**
 * An account's kind, for counting without naming a payer or a recipient (/metrics): `wallet`
 * and `tips` for the per-person accounts, the code itself for the fixed ones (`sales`,
 * `wechatpay:clearing`, ...), so the set stays bounded.
 */
export function accountKind(code: string): string {
  const spec = accountSpec(code);
  if (spec === WALLET) return "wallet";
  if (spec === TIP_PAYABLE) return "tips";
  return code;
}

/** How much the stored balance moves for a posting (see AccountSpec.normalSide). */
export function balanceDelta(spec: AccountSpec, amountFen: number): number {
  return spec.normalSide === "debit" ? amountFen : -amountFen;
}

export interface Posting {
  account: AccountCode;
  /** Debit positive, credit negative; never zero. */
  amountFen: number;
}

/**
 * Why an entry was posted. Unique per app + type + id, so a duplicate event can never post
 * twice. The one registry of cause types: add new ones here.
 */
export const LEDGER_CAUSE_TYPES = [
  "payment_captured", // id: payment id (a channel said paid)
  "refund_succeeded", // id: refund id
  "wallet_payment", // id: payment id (paid from the wallet)
  "wallet_adjustment", // id: adjustment id
  "channel_fees", // id: <channel>:<YYYY-MM-DD>, a day's fees as the channel booked them (reconciliation)
  "top_up_refund_requested", // id: refund id (a top-up's refund recorded: its amount leaves the wallet)
  "top_up_refund_released", // id: refund id (that refund closed: the amount goes back to the wallet)
  "tip_refund_requested", // id: refund id (a tip's refund recorded: its amount leaves the recipient's payable)
  "tip_refund_released", // id: refund id (that refund closed: the amount goes back to the payable)
  "tip_payout", // id: payout id (the merchant paid a recipient outside Kassa)
] as const;
export type LedgerCauseType = (typeof LEDGER_CAUSE_TYPES)[number];

export interface LedgerCause {
  type: LedgerCauseType;
  id: string;
}

/**
 * Why an entry's postings cannot be booked, or undefined when they can: two or more, whole
 * non-zero fen, each account a known code at most once, summing to zero. A failure here is a
 * bug in a posting rule, never a payer's mistake.
 */
export function postingsProblem(postings: readonly Posting[]): string | undefined {
  if (postings.length < 2) return "an entry needs two or more postings";
  const seen = new Set<string>();
  let sum = 0;
  for (const { account, amountFen } of postings) {
    if (!accountSpec(account)) return `unknown account ${account}`;
    if (seen.has(account)) return `account ${account} appears twice`;
    seen.add(account);
    if (!Number.isSafeInteger(amountFen) || amountFen === 0)
      return `posting to ${account} is not whole non-zero fen`;
    sum += amountFen;
  }
  return sum === 0 ? undefined : `postings sum to ${sum}, not 0`;
}

/** The chain starts from this "previous hash" in every app. */
export const GENESIS_HASH = "0".repeat(64);

/** Everything an entry's hash covers. */
export interface ChainedEntry {
  appId: string;
  /** Its place in the app's chain (ledger_seals.position; before migration 0016, its seq). */
  position: number;
  cause: LedgerCause;
  orderId: string | null;
  description: string;
  postedAt: number;
  prevHash: string;
  postings: readonly Posting[];
}

/**
 * What an entry's hash is taken over (db/ledger-hash.ts): a JSON array with the fields in a
 * fixed order and the postings in their stored order (line 1, 2, ...). JSON of strings and
 * safe integers is deterministic, so checkLedger recomputes the same bytes from the stored
 * rows. Changing this format breaks every stored chain: it would need a new chain version.
 */
export function canonicalEntry(entry: ChainedEntry): string {
  return JSON.stringify([
    "kassa-ledger-v1",
    entry.appId,
    entry.position,
    entry.cause.type,
    entry.cause.id,
    entry.orderId,
    entry.description,
    entry.postedAt,
    entry.prevHash,
    entry.postings.map((posting) => [posting.account, posting.amountFen]),
  ]);
}
