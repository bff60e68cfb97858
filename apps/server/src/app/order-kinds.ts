import type { Executor } from "../db/executor.ts";
import { releaseStock } from "../db/products-repo.ts";
import type { IdSource } from "../domain/ids.ts";
import type { Order, OrderKind } from "../domain/order.ts";
import { bookingOrderClosed, bookingOrderPaid } from "./booking/order-rules.ts";
import { tipOrderClosed, tipOrderPaid } from "./tip/order-rules.ts";

/**
 * What each order kind does when its order moves, in the transaction of the move: the one
 * place the core asks about kinds beyond the capture's posting rule (ledger-postings.ts). A new
 * kind adds its entry here and its rules in its own folder (domain/<kind>/, app/<kind>/).
 */
export interface OrderKindRules {
  /** The order became PAID (its capture is booked already). */
  paid(trx: Executor, order: { id: string }, context: { now: number; ids: IdSource }): Promise<void>;
  /** The order closed unpaid: give back what it held. */
  closed(trx: Executor, order: Order, now: number): Promise<void>;
}

const nothing = async () => {};

export const ORDER_KIND_RULES: { readonly [K in OrderKind]: OrderKindRules } = {
  purchase: {
    paid: nothing,
    closed: async (trx, order) => {
      for (const line of order.lines) await releaseStock(trx, line.productId, line.quantity);
    },
  },
  // A top-up holds nothing; its capture credits the wallet (ledger-postings.ts).
  top_up: { paid: nothing, closed: nothing },
  booking: { paid: bookingOrderPaid, closed: bookingOrderClosed },
  // A tip holds a part of its payer's daily cap; its capture credits its recipient (ledger-postings.ts).
  tip: { paid: tipOrderPaid, closed: tipOrderClosed },
};
