import { Type } from "typebox";

/** The wallet's pieces of the mini program API's schemas (issue 9 §3; docs/wallet.md). */

export const WalletTierSchema = Type.Object({
  id: Type.String({ description: "`wtr_…`: send it as `tierId` to POST /v1/wallet/top-ups" }),
  amountFen: Type.Integer({ description: "What the payer pays, in fen" }),
  bonusFen: Type.Integer({ description: "What the merchant adds on top, in fen (0: none)" }),
  creditFen: Type.Integer({ description: "What the wallet is credited: amountFen + bonusFen" }),
});

export const WALLET_TIER_EXAMPLE = {
  id: "wtr_k3v9c2m7q4x8p1z6b5n0d2f7gh",
  amountFen: 10000,
  bonusFen: 1000,
  creditFen: 11000,
};

export interface WalletTierView {
  id: string;
  amountFen: number;
  bonusFen: number;
  creditFen: number;
}

export function viewTier(tier: { id: string; amountFen: number; bonusFen: number }): WalletTierView {
  return {
    id: tier.id,
    amountFen: tier.amountFen,
    bonusFen: tier.bonusFen,
    creditFen: tier.amountFen + tier.bonusFen,
  };
}

export const PENDING_TOP_UP_EXAMPLE = {
  id: "ord_b7q2m9x4k8c3v6z1n5p0d2f7gh",
  kind: "top_up",
  status: "PENDING",
  amountFen: 10000,
  bonusFen: 1000,
  amountYuan: "100.00",
  description: "Wallet top-up ¥100.00 (+¥10.00 bonus)",
  lines: [],
  createdAt: "2026-12-01T20:25:39.986Z",
  expiresAt: "2026-12-01T20:55:39.000Z",
  channel: "wechatpay",
  paidAt: null,
  transactionId: null,
  refundedFen: 0,
};
