import { type Fen, formatYuan, MAX_ORDER_FEN, toFen } from "./money.ts";

/**
 * The wallet's pure rules (issue 9 §3; docs/wallet.md): how a top-up is priced. The payer
 * names a tier or an amount, never a bonus: the server prices it (product.md step 2).
 */

/** A fixed top-up a merchant offers: pay `amountFen`, get `amountFen + bonusFen` in the wallet. */
export interface WalletTier {
  id: string;
  appId: string;
  amountFen: Fen;
  bonusFen: Fen;
  active: boolean;
}

/** The custom amounts an app accepts, in fen, inclusive (KASSA_WALLET_TOP_UP_MIN/MAX_FEN). */
export interface TopUpBounds {
  minFen: number;
  maxFen: number;
}

export type TopUpRequest = { tierId: string } | { amountFen: number };

export type TopUpPrice =
  | { ok: true; amountFen: Fen; bonusFen: Fen; tierId: string | null; description: string }
  | { ok: false; code: "WALLET_TIER_NOT_FOUND" | "WALLET_TOP_UP_AMOUNT_OUT_OF_BOUNDS"; bounds?: TopUpBounds };

/**
 * A tier is priced as the merchant set it (a withdrawn or unknown tier is refused); a custom
 * amount gets no bonus and must lie within the app's bounds.
 */
export function priceTopUp(
  request: TopUpRequest,
  tier: WalletTier | undefined,
  bounds: TopUpBounds,
): TopUpPrice {
  if ("tierId" in request) {
    if (!tier?.active || tier.id !== request.tierId) return { ok: false, code: "WALLET_TIER_NOT_FOUND" };
    return {
      ok: true,
      amountFen: tier.amountFen,
      bonusFen: tier.bonusFen,
      tierId: tier.id,
      description: describeTopUp(tier.amountFen, tier.bonusFen),
    };
  }
  const { amountFen } = request;
  if (!Number.isSafeInteger(amountFen) || amountFen < bounds.minFen || amountFen > bounds.maxFen)
    return { ok: false, code: "WALLET_TOP_UP_AMOUNT_OUT_OF_BOUNDS", bounds };
  const amount = toFen(amountFen);
  return {
    ok: true,
    amountFen: amount,
    bonusFen: toFen(0),
    tierId: null,
    description: describeTopUp(amount, toFen(0)),
  };
}

/** What the payer's WeChat bill shows (§5.1 caps description at 127 bytes; this stays far below). */
export function describeTopUp(amountFen: Fen, bonusFen: Fen): string {
  const bonus = bonusFen > 0 ? ` (+¥${formatYuan(bonusFen)} bonus)` : "";
  return `Wallet top-up ¥${formatYuan(amountFen)}${bonus}`;
}

/** The most a tier or a custom top-up may be: what one order may carry. */
export const MAX_TOP_UP_FEN = MAX_ORDER_FEN;
