import {
  type AccountCode,
  clearingAccount,
  feesAccount,
  type LedgerCause,
  type Posting,
  postingsProblem,
  tipPayableAccount,
  walletAccount,
} from "./ledger.ts";
import type { ExternalChannelName } from "./payment.ts";

/**
 * The one table of posting rules (issue 9 §1; the contract in the ledger brief): every
 * entry Kassa books is built here from the facts of what happened, and nowhere else.
 * Debit positive, credit negative (ledger.ts). Amounts are whole fen > 0 unless a rule
 * says otherwise; a zero part (a top-up without bonus) leaves its posting out, because an
 * entry carries no zero postings.
 *
 * | fact                      | cause             | postings                                              |
 * |---------------------------|-------------------|-------------------------------------------------------|
 * | purchase_captured A       | payment_captured  | Dr <channel>:clearing A; Cr sales A                   |
 * | top_up_captured A, bonus B| payment_captured  | Dr <channel>:clearing A; Dr promotions B; Cr wallet A+B|
 * | wallet_paid A             | wallet_payment    | Dr wallet A; Cr sales A                               |
 * | channel_refund R          | refund_succeeded  | Dr refunds R; Cr <channel>:clearing R                 |
 * | wallet_refund R           | refund_succeeded  | Dr refunds R; Cr wallet R                             |
 * | top_up_refund_requested   | top_up_refund_    | Dr wallet R+F; Cr refunds:pending R+F                 |
 * |   R, forfeit F            |   requested       |   (recorded with the refund: the wallet cannot spend it)|
 * | top_up_refund R, forfeit F| refund_succeeded  | Dr refunds:pending R+F; Cr <channel>:clearing R;      |
 * |                           |                   |   Cr promotions F                                     |
 * | top_up_refund_released X  | top_up_refund_    | Dr refunds:pending X; Cr wallet X (the refund closed) |
 * |                           |   released        |                                                       |
 * | wallet_adjusted ±X        | wallet_adjustment | Dr adjustments X; Cr wallet X (signs flip for -X)     |
 * | channel_fees ±F (a day)   | channel_fees      | Dr <channel>:fees F; Cr <channel>:clearing F (flip -F)|
 * | tip_captured A, to r      | payment_captured  | Dr <channel>:clearing A; Cr tips:r A                  |
 * | tip_wallet_paid A, to r   | wallet_payment    | Dr wallet A; Cr tips:r A                              |
 * | tip_refund_requested R    | tip_refund_       | Dr tips:r R; Cr refunds:pending R                     |
 * |                           |   requested       |   (recorded with the refund: r cannot be paid it out) |
 * | tip_channel_refund R      | refund_succeeded  | Dr refunds:pending R; Cr <channel>:clearing R         |
 * | tip_wallet_refund R       | refund_succeeded  | Dr refunds:pending R; Cr wallet R                     |
 * | tip_refund_released R     | tip_refund_       | Dr refunds:pending R; Cr tips:r R (the refund closed) |
 * |                           |   released        |                                                       |
 * | tip_payout P, to r        | tip_payout        | Dr tips:r P; Cr payouts P                             |
 *
 * A tip is not the merchant's revenue: it is owed to its recipient (`tips:r`, a liability that
 * never goes below zero), and leaves it by a payout (the merchant pays the person outside
 * Kassa) or a refund. A tip's refund takes its amount out of `tips:r` when it is recorded,
 * as a top-up's refund takes it out of the wallet, so the recipient cannot be paid out money
 * that is on its way back to the payer, and a refund of money paid out already is refused.
 */
export type LedgerFact =
  | { rule: "purchase_captured"; paymentId: string; channel: ExternalChannelName; amountFen: number }
  | {
      rule: "top_up_captured";
      paymentId: string;
      channel: ExternalChannelName;
      userId: string;
      amountFen: number;
      bonusFen: number;
    }
  | { rule: "wallet_paid"; paymentId: string; userId: string; amountFen: number }
  | { rule: "channel_refund"; refundId: string; channel: ExternalChannelName; amountFen: number }
  | { rule: "wallet_refund"; refundId: string; userId: string; amountFen: number }
  | {
      rule: "top_up_refund_requested";
      refundId: string;
      userId: string;
      /** Cash to go back to the payer through the channel. */
      cashFen: number;
      /** Bonus taken back from the wallet along with it (forfeited first, docs/wallet.md). */
      forfeitedBonusFen: number;
    }
  | {
      rule: "top_up_refund";
      refundId: string;
      channel: ExternalChannelName;
      /** Cash returned to the payer through the channel. */
      cashFen: number;
      /** Bonus taken back from the wallet along with it (forfeited first, docs/wallet.md). */
      forfeitedBonusFen: number;
    }
  /** A top-up's refund closed: what its request took out of the wallet goes back. */
  | { rule: "top_up_refund_released"; refundId: string; userId: string; amountFen: number }
  /** Signed: positive credits the wallet, negative debits it. */
  | { rule: "wallet_adjusted"; adjustmentId: string; userId: string; amountFen: number }
  /**
   * A day's fees as the channel's fund flow booked them (reconciliation, issue 11): taken out
   * of what the channel holds for the merchant. Signed: negative when more came back with
   * refunds than was taken that day.
   */
  | { rule: "channel_fees"; channel: ExternalChannelName; day: string; amountFen: number }
  | {
      rule: "tip_captured";
      paymentId: string;
      channel: ExternalChannelName;
      recipientId: string;
      amountFen: number;
    }
  | { rule: "tip_wallet_paid"; paymentId: string; userId: string; recipientId: string; amountFen: number }
  | { rule: "tip_refund_requested"; refundId: string; recipientId: string; amountFen: number }
  | { rule: "tip_channel_refund"; refundId: string; channel: ExternalChannelName; amountFen: number }
  | { rule: "tip_wallet_refund"; refundId: string; userId: string; amountFen: number }
  | { rule: "tip_refund_released"; refundId: string; recipientId: string; amountFen: number }
  | { rule: "tip_payout"; payoutId: string; recipientId: string; amountFen: number };

export type LedgerRule = LedgerFact["rule"];

type RuleOf<R extends LedgerRule> = {
  cause: (fact: Extract<LedgerFact, { rule: R }>) => LedgerCause;
  describe: (fact: Extract<LedgerFact, { rule: R }>) => string;
  postings: (fact: Extract<LedgerFact, { rule: R }>) => Posting[];
};

const lines = (...postings: [AccountCode, number][]): Posting[] =>
  postings.filter(([, amountFen]) => amountFen !== 0).map(([account, amountFen]) => ({ account, amountFen }));

export const POSTING_RULES: { readonly [R in LedgerRule]: RuleOf<R> } = {
  purchase_captured: {
    cause: (f) => ({ type: "payment_captured", id: f.paymentId }),
    describe: (f) => `purchase paid through ${f.channel}`,
    postings: (f) => lines([clearingAccount(f.channel), f.amountFen], ["sales", -f.amountFen]),
  },
  top_up_captured: {
    cause: (f) => ({ type: "payment_captured", id: f.paymentId }),
    describe: (f) => `wallet top-up paid through ${f.channel}`,
    postings: (f) =>
      lines(
        [clearingAccount(f.channel), f.amountFen],
        ["promotions", f.bonusFen],
        [walletAccount(f.userId), -(f.amountFen + f.bonusFen)],
      ),
  },
  wallet_paid: {
    cause: (f) => ({ type: "wallet_payment", id: f.paymentId }),
    describe: () => "order paid from the wallet",
    postings: (f) => lines([walletAccount(f.userId), f.amountFen], ["sales", -f.amountFen]),
  },
  channel_refund: {
    cause: (f) => ({ type: "refund_succeeded", id: f.refundId }),
    describe: (f) => `refund through ${f.channel}`,
    postings: (f) => lines(["refunds", f.amountFen], [clearingAccount(f.channel), -f.amountFen]),
  },
  wallet_refund: {
    cause: (f) => ({ type: "refund_succeeded", id: f.refundId }),
    describe: () => "refund to the wallet",
    postings: (f) => lines(["refunds", f.amountFen], [walletAccount(f.userId), -f.amountFen]),
  },
  top_up_refund_requested: {
    cause: (f) => ({ type: "top_up_refund_requested", id: f.refundId }),
    describe: (f) =>
      f.forfeitedBonusFen > 0 ? "top-up refund requested, its bonus forfeited" : "top-up refund requested",
    postings: (f) =>
      lines(
        [walletAccount(f.userId), f.cashFen + f.forfeitedBonusFen],
        ["refunds:pending", -(f.cashFen + f.forfeitedBonusFen)],
      ),
  },
  top_up_refund: {
    cause: (f) => ({ type: "refund_succeeded", id: f.refundId }),
    describe: (f) => `top-up refunded through ${f.channel}`,
    postings: (f) =>
      lines(
        ["refunds:pending", f.cashFen + f.forfeitedBonusFen],
        [clearingAccount(f.channel), -f.cashFen],
        ["promotions", -f.forfeitedBonusFen],
      ),
  },
  top_up_refund_released: {
    cause: (f) => ({ type: "top_up_refund_released", id: f.refundId }),
    describe: () => "top-up refund closed, its amount back in the wallet",
    postings: (f) => lines(["refunds:pending", f.amountFen], [walletAccount(f.userId), -f.amountFen]),
  },
  wallet_adjusted: {
    cause: (f) => ({ type: "wallet_adjustment", id: f.adjustmentId }),
    describe: (f) => (f.amountFen > 0 ? "wallet credited by an operator" : "wallet debited by an operator"),
    postings: (f) => lines(["adjustments", f.amountFen], [walletAccount(f.userId), -f.amountFen]),
  },
  channel_fees: {
    cause: (f) => ({ type: "channel_fees", id: `${f.channel}:${f.day}` }),
    describe: (f) => `${f.channel} fees of ${f.day}, as its fund flow booked them`,
    postings: (f) => lines([feesAccount(f.channel), f.amountFen], [clearingAccount(f.channel), -f.amountFen]),
  },
  tip_captured: {
    cause: (f) => ({ type: "payment_captured", id: f.paymentId }),
    describe: (f) => `tip paid through ${f.channel}`,
    postings: (f) =>
      lines([clearingAccount(f.channel), f.amountFen], [tipPayableAccount(f.recipientId), -f.amountFen]),
  },
  tip_wallet_paid: {
    cause: (f) => ({ type: "wallet_payment", id: f.paymentId }),
    describe: () => "tip paid from the wallet",
    postings: (f) =>
      lines([walletAccount(f.userId), f.amountFen], [tipPayableAccount(f.recipientId), -f.amountFen]),
  },
  tip_refund_requested: {
    cause: (f) => ({ type: "tip_refund_requested", id: f.refundId }),
    describe: () => "tip refund requested, its amount taken from the recipient's payable",
    postings: (f) =>
      lines([tipPayableAccount(f.recipientId), f.amountFen], ["refunds:pending", -f.amountFen]),
  },
  tip_channel_refund: {
    cause: (f) => ({ type: "refund_succeeded", id: f.refundId }),
    describe: (f) => `tip refunded through ${f.channel}`,
    postings: (f) => lines(["refunds:pending", f.amountFen], [clearingAccount(f.channel), -f.amountFen]),
  },
  tip_wallet_refund: {
    cause: (f) => ({ type: "refund_succeeded", id: f.refundId }),
    describe: () => "tip refunded to the wallet",
    postings: (f) => lines(["refunds:pending", f.amountFen], [walletAccount(f.userId), -f.amountFen]),
  },
  tip_refund_released: {
    cause: (f) => ({ type: "tip_refund_released", id: f.refundId }),
    describe: () => "tip refund closed, its amount owed to the recipient again",
    postings: (f) =>
      lines(["refunds:pending", f.amountFen], [tipPayableAccount(f.recipientId), -f.amountFen]),
  },
  tip_payout: {
    cause: (f) => ({ type: "tip_payout", id: f.payoutId }),
    describe: () => "tips paid out to their recipient",
    postings: (f) => lines([tipPayableAccount(f.recipientId), f.amountFen], ["payouts", -f.amountFen]),
  },
};

/** Rules whose amounts carry a sign; every other rule's are whole fen >= 0. */
const SIGNED_RULES: ReadonlySet<LedgerRule> = new Set(["wallet_adjusted", "channel_fees"]);

/** What an entry takes from a rule (app/book-entry.ts): the cause, a description and the postings. */
export interface LedgerEntryDraft {
  cause: LedgerCause;
  description: string;
  postings: Posting[];
}

/** The entry a fact books. Throws on facts no rule can book (a negative amount): a bug. */
export function ledgerEntryFor(fact: LedgerFact): LedgerEntryDraft {
  const rule = POSTING_RULES[fact.rule] as RuleOf<LedgerRule>;
  for (const [name, value] of Object.entries(fact)) {
    if (!name.endsWith("Fen")) continue;
    const whole = typeof value === "number" && Number.isSafeInteger(value);
    if (!whole || (value < 0 && !SIGNED_RULES.has(fact.rule)))
      throw new RangeError(`${fact.rule}: ${name} ${value} is not whole fen >= 0`);
  }
  const postings = rule.postings(fact);
  const problem = postingsProblem(postings);
  if (problem) throw new RangeError(`${fact.rule}: ${problem}`);
  return { cause: rule.cause(fact), description: rule.describe(fact), postings };
}

/**
 * What an order's kind makes of a channel's "paid": the rule selection by order kind.
 * Purchases book sales; top-ups (the wallet, issue 9 §3) credit the payer's wallet; tips
 * credit their recipient's payable.
 */
export type CapturedOrder =
  | { kind: "purchase" }
  | { kind: "top_up"; userId: string; bonusFen: number }
  | { kind: "tip"; recipientId: string };

export function capturedFact(
  order: CapturedOrder,
  payment: { id: string; channel: ExternalChannelName; amountFen: number },
): LedgerFact {
  const paid = { paymentId: payment.id, channel: payment.channel, amountFen: payment.amountFen };
  switch (order.kind) {
    case "purchase":
      return { rule: "purchase_captured", ...paid };
    case "top_up":
      return { rule: "top_up_captured", ...paid, userId: order.userId, bonusFen: order.bonusFen };
    case "tip":
      return { rule: "tip_captured", ...paid, recipientId: order.recipientId };
  }
}

/**
 * What an order's kind makes of a payment from the wallet: a tip goes to its recipient's
 * payable, anything else is a sale (a top-up cannot be paid from the wallet).
 */
export function walletPaidFact(
  order: CapturedOrder,
  payment: { id: string; userId: string; amountFen: number },
): LedgerFact {
  const paid = { paymentId: payment.id, userId: payment.userId, amountFen: payment.amountFen };
  if (order.kind === "tip") return { rule: "tip_wallet_paid", ...paid, recipientId: order.recipientId };
  return { rule: "wallet_paid", ...paid };
}
