import type { Payout, Recipient } from "../../db/tips-repo.ts";
import type { Tip } from "../../domain/tip/tip.ts";

/** What the merchant and the mini program see of recipients, tips and payouts. */

export interface RulesView {
  presetAmountsFen: number[];
  minFen: number;
  maxFen: number;
  dailyCapFen: number;
  timeZone: string;
}

export interface RecipientView extends RulesView {
  id: string;
  name: string;
  active: boolean;
  createdAt: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

export function viewRecipient(recipient: Recipient): RecipientView {
  return {
    id: recipient.id,
    name: recipient.name,
    active: recipient.active,
    presetAmountsFen: [...recipient.presetAmountsFen],
    minFen: recipient.minFen,
    maxFen: recipient.maxFen,
    dailyCapFen: recipient.dailyCapFen,
    timeZone: recipient.timeZone,
    createdAt: iso(recipient.createdAt),
  };
}

/** The merchant sees what it owes the recipient: the ledger's `tips:<id>` balance. */
export type MerchantRecipientView = RecipientView & { balanceFen: number };

/** The payer sees how much is left of their cap today. */
export type PayerRecipientView = RecipientView & { tippedTodayFen: number; leftTodayFen: number };

export interface TipView {
  orderId: string;
  recipientId: string;
  amountFen: number;
  /** Plain text as the payer wrote it; show it as text, never as HTML. */
  message: string | null;
  /** The recipient's calendar day the tip counts on toward the payer's daily cap. */
  day: string;
  status: Tip["status"];
  createdAt: string;
}

export function viewTip(tip: Tip): TipView {
  return {
    orderId: tip.orderId,
    recipientId: tip.recipientId,
    amountFen: tip.amountFen,
    message: tip.message,
    day: tip.day,
    status: tip.status,
    createdAt: iso(tip.createdAt),
  };
}

/** The merchant sees whose tip it is (Kassa's user id, never the openid). */
export function viewTipForMerchant(tip: Tip): TipView & { userId: string } {
  return { ...viewTip(tip), userId: tip.userId };
}

export interface PayoutView {
  id: string;
  recipientId: string;
  amountFen: number;
  reference: string | null;
  createdAt: string;
}

export function viewPayout(payout: Payout): PayoutView {
  return {
    id: payout.id,
    recipientId: payout.recipientId,
    amountFen: payout.amountFen,
    reference: payout.reference,
    createdAt: iso(payout.createdAt),
  };
}
