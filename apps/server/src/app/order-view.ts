import type { Executor } from "../db/executor.ts";
import { findPaymentOfOrder } from "../db/payments-repo.ts";
import { refundedFenOfOrders } from "../db/refunds-repo.ts";
import { formatYuan } from "../domain/money.ts";
import type { Order } from "../domain/order.ts";
import type { Payment } from "../domain/payment.ts";

/**
 * What the mini program sees of an order. No openid, no prepay_id, no channel internals
 * beyond what a receipt shows. Also the body stored for idempotent replays.
 */
export interface OrderView {
  id: string;
  kind: Order["kind"];
  status: Order["status"];
  amountFen: number;
  /** A top-up's bonus, credited to the wallet with amountFen when paid; 0 for a purchase. */
  bonusFen: number;
  amountYuan: string;
  description: string;
  lines: { productId: string; name: string; quantity: number; unitPriceFen: number }[];
  createdAt: string;
  expiresAt: string;
  /** What pays it: the payer's channel, or the wallet; absent only on an order with no payment. */
  channel?: Payment["channel"];
  paidAt: string | null;
  transactionId: string | null;
  /** What refunds gave back so far (docs/refunds.md); the status stays PAID, partly or wholly refunded. */
  refundedFen: number;
}

/**
 * `payment` is the order's live payment: the receipt's paid time and transaction id;
 * `refundedFen` what its succeeded refunds gave back (refunds-repo.ts refundedFenOfOrders).
 */
export function viewOrder(order: Order, payment: Payment | undefined, refundedFen = 0): OrderView {
  return {
    id: order.id,
    kind: order.kind,
    status: order.status,
    amountFen: order.amountFen,
    bonusFen: order.bonusFen,
    amountYuan: formatYuan(order.amountFen),
    description: order.description,
    lines: order.lines.map((line) => ({ ...line })),
    createdAt: new Date(order.createdAt).toISOString(),
    expiresAt: new Date(order.expiresAt).toISOString(),
    ...(payment ? { channel: payment.channel } : {}),
    paidAt: payment?.paidAt == null ? null : new Date(payment.paidAt).toISOString(),
    transactionId: payment?.transactionId ?? null,
    refundedFen,
  };
}

/** The view of an order with its live payment read alongside. */
export async function loadOrderView(db: Executor, order: Order): Promise<OrderView> {
  const refunded = await refundedFenOfOrders(db, [order.id]);
  return viewOrder(order, await findPaymentOfOrder(db, order.id), refunded.get(order.id) ?? 0);
}
