import { createHash } from "node:crypto";
import type { Executor } from "../db/executor.ts";
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  releaseIdempotencyKey,
} from "../db/idempotency-repo.ts";
import { insertOrder, openHoldingsOfUser } from "../db/orders-repo.ts";
import { insertPayment } from "../db/payments-repo.ts";
import { holdStock, loadProducts } from "../db/products-repo.ts";
import { inTransaction } from "../db/transaction.ts";
import { lockUserForUpdate } from "../db/users-repo.ts";
import { KassaError } from "../domain/errors.ts";
import { makeId } from "../domain/ids.ts";
import { toFen } from "../domain/money.ts";
import type { Order, OrderLine } from "../domain/order.ts";
import { describeOrder, priceOrder, type RequestedLine } from "../domain/pricing.ts";
import type { AppDeps } from "./deps.ts";
import { firstPaymentOf, orderExpiry } from "./first-payment.ts";
import { scheduleOrderClose } from "./jobs.ts";
import { type OrderView, viewOrder } from "./order-view.ts";

export interface CreateOrderInput {
  /** The caller's app (from their session): only its products can be ordered. */
  appId: string;
  userId: string;
  lines: RequestedLine[];
  idempotencyKey: string | undefined;
}

/** A crashed first attempt frees its key after this long. */
const IDEMPOTENCY_LOCK_MS = 60_000;

/**
 * Step 2 of product.md: Kassa prices the order from its catalog and holds the stock in the
 * same transaction. With an Idempotency-Key, the stored answer is written in that
 * transaction too, so K concurrent sends make exactly one order.
 */
export async function createOrder(
  deps: AppDeps,
  input: CreateOrderInput,
): Promise<{ replayed: boolean; order: OrderView }> {
  if (!input.idempotencyKey)
    return { replayed: false, order: await inTransaction(deps.db, (trx) => create(deps, trx, input)) };
  const key = { userId: input.userId, key: input.idempotencyKey };
  const claim = await claimIdempotencyKey(deps.db, {
    ...key,
    requestHash: hashRequest(input.lines),
    now: deps.clock.now(),
    lockMs: IDEMPOTENCY_LOCK_MS,
  });
  if (claim.kind === "replay") return { replayed: true, order: JSON.parse(claim.body) as OrderView };
  if (claim.kind === "mismatch") throw new KassaError("IDEMPOTENCY_KEY_REUSED");
  if (claim.kind === "in_progress") throw new KassaError("IDEMPOTENCY_KEY_IN_PROGRESS");
  try {
    const order = await inTransaction(deps.db, async (trx) => {
      const view = await create(deps, trx, input);
      const stored = await completeIdempotencyKey(trx, {
        ...key,
        lockedUntil: claim.lockedUntil,
        status: 201,
        body: JSON.stringify(view),
      });
      // Our lock lapsed and another attempt took the key: roll this order back.
      if (!stored) throw new KassaError("IDEMPOTENCY_KEY_IN_PROGRESS");
      return view;
    });
    return { replayed: false, order };
  } catch (error) {
    // A refusal (bad product, no stock) frees the key, so the corrected request can use it.
    await releaseIdempotencyKey(deps.db, { ...key, lockedUntil: claim.lockedUntil });
    throw error;
  }
}

async function create(deps: AppDeps, trx: Executor, input: CreateOrderInput): Promise<OrderView> {
  // Locks in one order for every transaction that takes several: the user's row, then the
  // stock rows by product id. Two orders of [A, B] and [B, A] then queue instead of
  // deadlocking (issue 7: 71 of 80 mixed concurrent orders failed on PostgreSQL).
  await lockUserForUpdate(trx, input.userId);
  const catalog = await loadProducts(
    trx,
    input.appId,
    input.lines.map((line) => line.productId),
  );
  const priced = priceOrder(input.lines, catalog);
  if (!priced.ok)
    throw new KassaError(priced.code, priced.productId ? { productId: priced.productId } : undefined);
  await enforceUserCaps(deps, trx, input.userId, priced.lines);
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
  const payment = firstPaymentOf(deps, order);
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

/**
 * One user may not hold the shop: at most so many unpaid orders, and so many units on hold
 * across them (settings). Checked under the user's row lock, so concurrent orders count
 * each other.
 */
async function enforceUserCaps(
  deps: AppDeps,
  trx: Executor,
  userId: string,
  lines: readonly OrderLine[],
): Promise<void> {
  const held = await openHoldingsOfUser(trx, userId);
  const { maxOpenOrdersPerUser, maxHeldUnitsPerUser } = deps.settings;
  if (held.openOrders + 1 > maxOpenOrdersPerUser)
    throw new KassaError("ORDER_LIMIT_REACHED", { limit: "open_orders", max: maxOpenOrdersPerUser });
  const units = lines.reduce((sum, line) => sum + line.quantity, 0);
  if (held.heldUnits + units > maxHeldUnitsPerUser)
    throw new KassaError("ORDER_LIMIT_REACHED", {
      limit: "held_units",
      max: maxHeldUnitsPerUser,
      holding: held.heldUnits,
    });
}

/** The body that an Idempotency-Key is bound to: the same lines in the same order. */
function hashRequest(lines: readonly RequestedLine[]): string {
  return createHash("sha256")
    .update(JSON.stringify(lines.map((line) => [line.productId, line.quantity])))
    .digest("hex");
}
