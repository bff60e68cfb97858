import { Type } from "typebox";
import { MAX_TOP_UP_FEN } from "../../domain/wallet.ts";

/** The merchant API's wallet schemas (issue 9 §3; docs/wallet.md). */

export const TierAmountFen = Type.Integer({
  minimum: 1,
  maximum: MAX_TOP_UP_FEN,
  description: "What the payer pays, integer fen (10000 = ¥100.00)",
});

export const TierBonusFen = Type.Integer({
  minimum: 0,
  maximum: MAX_TOP_UP_FEN,
  description: "What the wallet gets on top, integer fen, booked as a promotions expense; 0 for none",
});

export const MerchantTierSchema = Type.Object({
  id: Type.String({ description: "`wtr_…`" }),
  amountFen: Type.Integer(),
  bonusFen: Type.Integer(),
  creditFen: Type.Integer({ description: "amountFen + bonusFen: what a paid top-up credits" }),
  active: Type.Boolean({ description: "Offered to payers (GET /v1/wallet/tiers); false: withdrawn" }),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const MERCHANT_TIER_EXAMPLE = {
  id: "wtr_k3v9c2m7q4x8p1z6b5n0d2f7gh",
  amountFen: 10000,
  bonusFen: 1000,
  creditFen: 11000,
  active: true,
  createdAt: "2026-12-01T20:25:39.986Z",
  updatedAt: "2026-12-01T20:25:39.986Z",
};

export const TierIdParams = Type.Object({
  tierId: Type.String({ description: "The tier's `id`", examples: [MERCHANT_TIER_EXAMPLE.id] }),
});

export const WalletBalanceSchema = Type.Object({
  userId: Type.String({ description: "Kassa's id of the payer (`usr_…`)" }),
  balanceFen: Type.Integer({ description: "What the payer can spend, what the merchant owes them" }),
  balanceYuan: Type.String(),
  createdAt: Type.String({ description: "The wallet's first movement" }),
});

export const AdjustmentSchema = Type.Object({
  id: Type.String({ description: "`wad_…`: the cause of its ledger entry (`wallet_adjustment`)" }),
  userId: Type.String(),
  amountFen: Type.Integer({ description: "Positive credited the wallet, negative debited it" }),
  reason: Type.String(),
  createdAt: Type.String(),
});
