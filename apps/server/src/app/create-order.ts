import type { Executor } from "../db/executor.ts";
import { insertOrder } from "../db/orders-repo.ts";
import { insertPayment } from "../db/payments-repo.ts";
import { holdStock, loadProducts } from "../db/products-repo.ts";
import { lockUserForUpdate } from "../db/users-repo.ts";
import { KassaError } from "../domain/errors.ts";
import { makeId } from "../domain/ids.ts";
import { toFen } from "../domain/money.ts";
import type { Order } from "../domain/order.ts";
import { describeOrder, priceOrder, type RequestedLine } from "../domain/pricing.ts";
import type { AppDeps } from "./deps.ts";
import { firstPaymentOf, orderExpiry } from "./first-payment.ts";
import { scheduleOrderClose } from "./jobs.ts";
import { type OrderView, viewOrder } from "./order-view.ts";
import { payerIdempotentWrite } from "./payer-idempotency.ts";
import { enforceUserCaps } from "./user-caps.ts";

export interface CreateOrderInput {
  /** The caller's app (from their session): only its products can be ordered. */
  appId: string;
  userId: string;
  lines: RequestedLine[];
  idempotencyKey: string | undefined;
}

/**
 * Step 2 of product.md: Kassa prices the order from its catalog and holds the stock in the
 * same transaction, and with an Idempotency-Key stores the answer there too
 * (payer-idempotency.ts), so K concurrent sends make exactly one order.
 */
export async function createOrder(
  deps: AppDeps,
  input: CreateOrderInput,
): Promise<{ replayed: boolean; order: OrderView }> {
  // The key is bound to the same lines in the same order.
  const request = input.lines.map((line) => [line.productId, line.quantity]);
  const { replayed, value } = await payerIdempotentWrite(
    deps,
    { userId: input.userId, idempotencyKey: input.idempotencyKey, request },
    (trx) => create(deps, trx, input),
  );
  return { replayed, order: value };
}

async function create(deps: AppDeps, trx: Executor, input: CreateOrderInput): Promise<OrderView> {
  // Locks in one order for every transaction that takes several: the user's row, then the
  // stock rows by product id. Two orders of [A, B] and [B, A] then queue instead of
  // deadlocking (issue 7: 71 of 80 mixed concurrent orders failed on PostgreSQL).
  const payer = await lockUserForUpdate(trx, input.userId);
  const catalog = await loadProducts(
    trx,
    input.appId,
    input.lines.map((line) => line.productId),
  );
  const priced = priceOrder(input.lines, catalog);
  if (!priced.ok)
    throw new KassaError(priced.code, priced.productId ? { productId: priced.productId } : undefined);
  await enforceUserCaps(
    deps,
    trx,
    input.userId,
    priced.lines.reduce((sum, line) => sum + line.quantity, 0),
  );
  const now = deps.clock.now();
  const id = makeId("order", deps.ids);
  const expiresAt = orderExpiry(deps, now);
  const order: Order = {
    id,
    kind: "purchase",
    appId: input.appId,
    userId: input.userId,
    status: "PENDING",
    amountFen: priced.amountFen,
    description: describeOrder(priced.lines),
    lines: priced.lines,
    bonusFen: toFen(0),
    topUpTierId: null,
    expiresAt,
    createdAt: now,
  };
  const payment = firstPaymentOf(deps, order, payer.channel);
  await insertOrder(trx, order);
  await insertPayment(trx, payment);
  await scheduleOrderClose({ ...deps, db: trx }, id, expiresAt);
  // Stock last: its row lock is the one concurrent orders of a popular product queue on, so
  // it is held for the shortest time. The compare-and-set is the real guard (the catalog
  // read above may already be stale); failing it rolls the whole order back.
  const byProductId = [...priced.lines].sort((a, b) => (a.productId < b.productId ? -1 : 1));
  for (const line of byProductId) {
    if (!(await holdStock(trx, line.productId, line.quantity))) {
      throw new KassaError("PRODUCT_OUT_OF_STOCK", { productId: line.productId });
    }
  }
  return viewOrder(order, payment);
}
