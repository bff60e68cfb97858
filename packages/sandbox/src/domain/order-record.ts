import type { OrderState } from "./order-state.ts";

/** An order as the simulator keeps it: the truth later fault-injection tests compare against. */
export interface OrderRecord {
  mchid: string;
  appid: string;
  outTradeNo: string;
  description: string;
  attach?: string;
  notifyUrl: string;
  goodsTag?: string;
  /** Integer fen (§5.1 amount.total). */
  amountTotal: number;
  currency: "CNY";
  payerOpenid: string;
  deviceId?: string;
  createdAt: number;
  /** Epoch ms; NOTPAY turns CLOSED here (§5.1 time_expire, default 7 days). */
  timeExpire: number;
  /** What "the same parameters" means for a repeated prepay (§5.1): canonical JSON without time_expire. */
  fingerprint: string;
  state: OrderState;
  stateChangedAt: number;
  closedBy?: "close" | "expire";
  /** Set when paid: 28 digits `42000...` (§5.2). */
  transactionId?: string;
  bankType?: string;
  successTime?: number;
  payerTotal?: number;
  /** What the payer did at the cashier, in order (cancel and fail leave the order NOTPAY). */
  payerActions?: PayerAction[];
  /** Every prepay_id issued for this order, oldest first. */
  prepayIds: string[];
  /** The pending `order.expire` job, cancelled once the order leaves NOTPAY. */
  expiryJobId?: string;
}

export interface PayerAction {
  at: number;
  action: "pay" | "cancel" | "fail";
  bankType?: string;
  /** Why a `fail` failed: INSUFFICIENT_BALANCE, WRONG_PASSWORD or ACCOUNT_FROZEN. */
  reason?: string;
}

/** A prepay_id lives 2 hours (§5.1); the cashier accepts it only while it is "ACTIVE". */
export interface PrepayRecord {
  prepayId: string;
  mchid: string;
  appid: string;
  outTradeNo: string;
  createdAt: number;
  expiresAt: number;
  status: "ACTIVE" | "EXPIRED";
}

/** out_trade_no never contains `/` (§5.1 charset), so this key is unambiguous. */
export function orderKey(mchid: string, outTradeNo: string): string {
  return `${mchid}/${outTradeNo}`;
}
