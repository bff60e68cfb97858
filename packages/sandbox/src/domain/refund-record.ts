import type { RefundStatus } from "./refund-state.ts";

/** A refund as the simulator keeps it (§5.4): the truth later tests compare Kassa against. */
export interface RefundRecord {
  mchid: string;
  outRefundNo: string;
  /** 29 digits `50300...` (§5.4). */
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  reason?: string;
  /** Where REFUND.* goes: the request's notify_url, else the merchant's (§4.1). */
  notifyUrl?: string;
  fundsAccount: "AVAILABLE" | "UNSETTLED";
  /** Integer fen. */
  amountRefund: number;
  /** The order's total, integer fen. */
  amountTotal: number;
  /** The fee given back with this refund, integer fen (fund flow, `amount.refund_fee`). */
  refundFeeFen: number;
  /** §5.4 `user_received_account`, e.g. 支付用户零钱 or 招商银行信用卡0403. */
  userReceivedAccount: string;
  status: RefundStatus;
  createdAt: number;
  statusChangedAt: number;
  /** When it became SUCCESS. */
  successTime?: number;
  /** The outcome settlement will apply, and the pending `refund.settle` job. */
  plannedOutcome: SettledRefundStatus;
  settleJobId?: string;
  /** The fingerprint of "the same refund" (§5.4: the same out_refund_no refunds once). */
  fingerprint: string;
}

export type SettledRefundStatus = Exclude<RefundStatus, "PROCESSING">;

/** An outcome arranged through the admin API before the refund exists. */
export interface RefundPlanRecord {
  outcome: SettledRefundStatus;
  settleDelayMs?: number;
}

/** A merchant's refund defaults, set through the admin API. */
export interface MerchantSettingsRecord {
  refundOutcome?: SettledRefundStatus;
  refundSettleDelayMs?: number;
}

/** out_refund_no never contains `/` (§5.4 charset), so this key is unambiguous. */
export function refundKey(mchid: string, outRefundNo: string): string {
  return `${mchid}/${outRefundNo}`;
}
