import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { accountSpec, postingsProblem } from "./ledger.ts";
import {
  capturedFact,
  type LedgerFact,
  ledgerEntryFor,
  POSTING_RULES,
  walletPaidFact,
} from "./ledger-postings.ts";

/** The posting rules, over every amount: each entry balances, and each account moves the right way. */
const fen = fc.integer({ min: 1, max: 1_000_000_000 });
const bonus = fc.integer({ min: 0, max: 100_000_000 });
const id = fc.stringMatching(/^[a-z0-9]{1,20}$/);
const channel = fc.constant("wechatpay" as const);

const facts: fc.Arbitrary<LedgerFact> = fc.oneof(
  fc.record({ rule: fc.constant("purchase_captured" as const), paymentId: id, channel, amountFen: fen }),
  fc.record({
    rule: fc.constant("top_up_captured" as const),
    paymentId: id,
    channel,
    userId: id,
    amountFen: fen,
    bonusFen: bonus,
  }),
  fc.record({ rule: fc.constant("wallet_paid" as const), paymentId: id, userId: id, amountFen: fen }),
  fc.record({ rule: fc.constant("channel_refund" as const), refundId: id, channel, amountFen: fen }),
  fc.record({ rule: fc.constant("wallet_refund" as const), refundId: id, userId: id, amountFen: fen }),
  fc.record({
    rule: fc.constant("top_up_refund_requested" as const),
    refundId: id,
    userId: id,
    cashFen: fen,
    forfeitedBonusFen: bonus,
  }),
  fc.record({
    rule: fc.constant("top_up_refund" as const),
    refundId: id,
    channel,
    cashFen: fen,
    forfeitedBonusFen: bonus,
  }),
  fc.record({
    rule: fc.constant("top_up_refund_released" as const),
    refundId: id,
    userId: id,
    amountFen: fen,
  }),
  fc.record({
    rule: fc.constant("wallet_adjusted" as const),
    adjustmentId: id,
    userId: id,
    amountFen: fc.oneof(
      fen,
      fen.map((x) => -x),
    ),
  }),
  fc.record({
    rule: fc.constant("channel_fees" as const),
    channel,
    day: fc.constant("2026-03-14"),
    amountFen: fc.oneof(
      fen,
      fen.map((x) => -x),
    ),
  }),
  fc.record({
    rule: fc.constant("tip_captured" as const),
    paymentId: id,
    channel,
    recipientId: id,
    amountFen: fen,
  }),
  fc.record({
    rule: fc.constant("tip_wallet_paid" as const),
    paymentId: id,
    userId: id,
    recipientId: id,
    amountFen: fen,
  }),
  fc.record({
    rule: fc.constant("tip_refund_requested" as const),
    refundId: id,
    recipientId: id,
    amountFen: fen,
  }),
  fc.record({ rule: fc.constant("tip_channel_refund" as const), refundId: id, channel, amountFen: fen }),
  fc.record({ rule: fc.constant("tip_wallet_refund" as const), refundId: id, userId: id, amountFen: fen }),
  fc.record({
    rule: fc.constant("tip_refund_released" as const),
    refundId: id,
    recipientId: id,
    amountFen: fen,
  }),
  fc.record({ rule: fc.constant("tip_payout" as const), payoutId: id, recipientId: id, amountFen: fen }),
);

/** Debit positive, credit negative: what each rule must do to each account it touches. */
function expectedSigns(fact: LedgerFact): Record<string, number> {
  const wallet = "userId" in fact ? `wallet:${fact.userId}` : "";
  const payable = "recipientId" in fact ? `tips:${fact.recipientId}` : "";
  switch (fact.rule) {
    case "purchase_captured":
      return { "wechatpay:clearing": fact.amountFen, sales: -fact.amountFen };
    case "top_up_captured":
      return {
        "wechatpay:clearing": fact.amountFen,
        ...(fact.bonusFen ? { promotions: fact.bonusFen } : {}),
        [wallet]: -(fact.amountFen + fact.bonusFen),
      };
    case "wallet_paid":
      return { [wallet]: fact.amountFen, sales: -fact.amountFen };
    case "channel_refund":
      return { refunds: fact.amountFen, "wechatpay:clearing": -fact.amountFen };
    case "wallet_refund":
      return { refunds: fact.amountFen, [wallet]: -fact.amountFen };
    case "top_up_refund_requested":
      return {
        [wallet]: fact.cashFen + fact.forfeitedBonusFen,
        "refunds:pending": -(fact.cashFen + fact.forfeitedBonusFen),
      };
    case "top_up_refund":
      return {
        "refunds:pending": fact.cashFen + fact.forfeitedBonusFen,
        "wechatpay:clearing": -fact.cashFen,
        ...(fact.forfeitedBonusFen ? { promotions: -fact.forfeitedBonusFen } : {}),
      };
    case "top_up_refund_released":
      return { "refunds:pending": fact.amountFen, [wallet]: -fact.amountFen };
    case "wallet_adjusted":
      return { adjustments: fact.amountFen, [wallet]: -fact.amountFen };
    case "channel_fees":
      return { "wechatpay:fees": fact.amountFen, "wechatpay:clearing": -fact.amountFen };
    case "tip_captured":
      return { "wechatpay:clearing": fact.amountFen, [payable]: -fact.amountFen };
    case "tip_wallet_paid":
      return { [wallet]: fact.amountFen, [payable]: -fact.amountFen };
    case "tip_refund_requested":
      return { [payable]: fact.amountFen, "refunds:pending": -fact.amountFen };
    case "tip_channel_refund":
      return { "refunds:pending": fact.amountFen, "wechatpay:clearing": -fact.amountFen };
    case "tip_wallet_refund":
      return { "refunds:pending": fact.amountFen, [wallet]: -fact.amountFen };
    case "tip_refund_released":
      return { "refunds:pending": fact.amountFen, [payable]: -fact.amountFen };
    case "tip_payout":
      return { [payable]: fact.amountFen, payouts: -fact.amountFen };
  }
}

describe("the posting rules", () => {
  it("has a rule for every fact, and every entry balances with two or more non-zero postings", () => {
    fc.assert(
      fc.property(facts, (fact) => {
        const entry = ledgerEntryFor(fact);
        expect(postingsProblem(entry.postings)).toBeUndefined();
        expect(entry.postings.reduce((sum, posting) => sum + posting.amountFen, 0)).toBe(0);
        expect(entry.postings.every((posting) => accountSpec(posting.account))).toBe(true);
      }),
    );
  });

  it("debits and credits each account as the table says (a top-up credits the wallet, a wallet payment debits it)", () => {
    fc.assert(
      fc.property(facts, (fact) => {
        const entry = ledgerEntryFor(fact);
        const got = Object.fromEntries(entry.postings.map((posting) => [posting.account, posting.amountFen]));
        expect(got).toEqual(expectedSigns(fact));
      }),
    );
  });

  it("names the cause each rule is unique by", () => {
    const causes = Object.fromEntries(
      Object.entries(POSTING_RULES).map(([rule, spec]) => [
        rule,
        (spec.cause as (fact: object) => { type: string })({
          paymentId: "p",
          refundId: "r",
          adjustmentId: "a",
          payoutId: "o",
          channel: "wechatpay",
          day: "2026-03-14",
        }).type,
      ]),
    );
    expect(causes).toEqual({
      purchase_captured: "payment_captured",
      top_up_captured: "payment_captured",
      wallet_paid: "wallet_payment",
      channel_refund: "refund_succeeded",
      wallet_refund: "refund_succeeded",
      top_up_refund_requested: "top_up_refund_requested",
      top_up_refund: "refund_succeeded",
      top_up_refund_released: "top_up_refund_released",
      wallet_adjusted: "wallet_adjustment",
      channel_fees: "channel_fees",
      tip_captured: "payment_captured",
      tip_wallet_paid: "wallet_payment",
      tip_refund_requested: "tip_refund_requested",
      tip_channel_refund: "refund_succeeded",
      tip_wallet_refund: "refund_succeeded",
      tip_refund_released: "tip_refund_released",
      tip_payout: "tip_payout",
    });
  });

  it("refuses facts no rule can book: zero or negative amounts, fractions of a fen", () => {
    const wallet = { rule: "wallet_paid", paymentId: "p", userId: "u" } as const;
    expect(() => ledgerEntryFor({ ...wallet, amountFen: 0 })).toThrow(RangeError);
    expect(() => ledgerEntryFor({ ...wallet, amountFen: -5 })).toThrow(RangeError);
    expect(() => ledgerEntryFor({ ...wallet, amountFen: 1.5 })).toThrow(RangeError);
    expect(() =>
      ledgerEntryFor({ rule: "wallet_adjusted", adjustmentId: "a", userId: "u", amountFen: 0 }),
    ).toThrow(RangeError);
  });

  it("chooses the capture rule by the order's kind", () => {
    const payment = { id: "pay_1", channel: "wechatpay" as const, amountFen: 10_000 };
    expect(capturedFact({ kind: "purchase" }, payment).rule).toBe("purchase_captured");
    expect(capturedFact({ kind: "top_up", userId: "usr_1", bonusFen: 1_000 }, payment)).toMatchObject({
      rule: "top_up_captured",
      userId: "usr_1",
      bonusFen: 1_000,
    });
    expect(capturedFact({ kind: "tip", recipientId: "rcp_1" }, payment)).toMatchObject({
      rule: "tip_captured",
      recipientId: "rcp_1",
    });
    const wallet = { id: "pay_2", userId: "usr_1", amountFen: 500 };
    expect(walletPaidFact({ kind: "purchase" }, wallet).rule).toBe("wallet_paid");
    expect(walletPaidFact({ kind: "tip", recipientId: "rcp_1" }, wallet)).toMatchObject({
      rule: "tip_wallet_paid",
      recipientId: "rcp_1",
    });
  });
});

describe("accounts", () => {
  it("keep wallets credit-normal and never negative, and everything else may go negative", () => {
    expect(accountSpec("wallet:usr_1")).toEqual({
      type: "liability",
      normalSide: "credit",
      mayGoNegative: false,
    });
    expect(accountSpec("refunds")).toMatchObject({ type: "revenue", normalSide: "debit" });
    expect(accountSpec("wallet:")).toBeUndefined();
    expect(accountSpec("tips:rcp_1")).toEqual({
      type: "liability",
      normalSide: "credit",
      mayGoNegative: false,
    });
    expect(accountSpec("tips:")).toBeUndefined();
    expect(accountSpec("cash")).toBeUndefined();
  });
});
