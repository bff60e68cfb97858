import { formatYuan } from "../domain/money.ts";
import type { Order } from "../domain/order.ts";

/**
 * What the mini program sees of an order. No openid, no prepay_id, no channel internals
 * beyond what a receipt shows. Also the body stored for idempotent replays.
 */
export interface OrderView {
  id: string;
  status: Order["status"];
  amountFen: number;
  amountYuan: string;
  description: string;
  lines: { productId: string; name: string; quantity: number; unitPriceFen: number }[];
  createdAt: string;
  expiresAt: string;
  paidAt: string | null;
  transactionId: string | null;
}

export function viewOrder(order: Order): OrderView {
  return {
    id: order.id,
    status: order.status,
    amountFen: order.amountFen,
    amountYuan: formatYuan(order.amountFen),
    description: order.description,
    lines: order.lines.map((line) => ({ ...line })),
    createdAt: new Date(order.createdAt).toISOString(),
    expiresAt: new Date(order.expiresAt).toISOString(),
    paidAt: order.paidAt === null ? null : new Date(order.paidAt).toISOString(),
    transactionId: order.transactionId,
  };
}
