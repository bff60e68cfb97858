import { SandboxError } from "../errors.ts";

/**
 * A JSAPI order's life (§5.2): NOTPAY → SUCCESS → REFUND, or NOTPAY → CLOSED by the close
 * API or at `time_expire`. One table, one function that refuses everything else
 * (design.md convention 2). REVOKED, USERPAYING and PAYERROR are micropay-only and never
 * reached here.
 */

export type OrderState = "NOTPAY" | "SUCCESS" | "REFUND" | "CLOSED";

export type OrderEvent =
  /** The payer paid (the cashier calls markPaid). */
  | "pay"
  /** POST .../close (§5.3). */
  | "close"
  /** The virtual clock reached `time_expire` (§5.1). */
  | "expire"
  /** A refund was accepted; further refunds keep the order in REFUND (§5.2 "转入退款"). */
  | "refund";

export const ORDER_TRANSITIONS: Readonly<
  Record<OrderState, Readonly<Partial<Record<OrderEvent, OrderState>>>>
> = {
  NOTPAY: { pay: "SUCCESS", close: "CLOSED", expire: "CLOSED" },
  SUCCESS: { refund: "REFUND" },
  REFUND: { refund: "REFUND" },
  CLOSED: {},
};

/** §5.2 `trade_state_desc`, as WeChat Pay words it. */
export const TRADE_STATE_DESCRIPTIONS: Readonly<Record<OrderState, string>> = {
  NOTPAY: "订单未支付",
  SUCCESS: "支付成功",
  REFUND: "转入退款",
  CLOSED: "订单已关闭",
};

export function nextOrderState(from: OrderState, event: OrderEvent): OrderState {
  const to = ORDER_TRANSITIONS[from][event];
  if (!to) {
    throw new SandboxError(
      "ORDER_TRANSITION_REFUSED",
      `an order in ${from} cannot take the event "${event}"`,
    );
  }
  return to;
}
