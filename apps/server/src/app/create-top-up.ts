import { insertOrder } from "../db/orders-repo.ts";
import { insertPayment } from "../db/payments-repo.ts";
import { lockUserForUpdate } from "../db/users-repo.ts";
import { findTier } from "../db/wallet-tiers-repo.ts";
import { KassaError } from "../domain/errors.ts";
import { makeId } from "../domain/ids.ts";
import type { Order } from "../domain/order.ts";
import { priceTopUp, type TopUpRequest } from "../domain/wallet.ts";
import type { AppDeps } from "./deps.ts";
import { firstPaymentOf, orderExpiry } from "./first-payment.ts";
import { scheduleOrderClose } from "./jobs.ts";
import { type OrderView, viewOrder } from "./order-view.ts";
import { payerIdempotentWrite } from "./payer-idempotency.ts";
import { enforceUserCaps } from "./user-caps.ts";

/**
 * A top-up order (会员充值, issue 9 §3): priced by the server from one of the app's tiers or
 * a custom amount within its bounds, then paid with WeChat Pay like any order (POST
 * /v1/orders/:id/pay). Its capture credits the wallet amount + bonus in the transaction that
 * makes it PAID (move-payment.ts), once. An unpaid top-up expires like an order; it holds no
 * stock.
 */
export async function createTopUp(
  deps: AppDeps,
  input: { appId: string; userId: string; request: TopUpRequest; idempotencyKey: string | undefined },
): Promise<{ replayed: boolean; order: OrderView }> {
  const write = {
    userId: input.userId,
    idempotencyKey: input.idempotencyKey,
    request: { topUp: input.request },
  };
  const { replayed, value } = await payerIdempotentWrite(deps, write, async (trx) => {
    // The caps of every order (user-caps.ts): an unpaid top-up is an open order too.
    const payer = await lockUserForUpdate(trx, input.userId);
    await enforceUserCaps(deps, trx, input.userId, 0);
    const tier =
      "tierId" in input.request ? await findTier(trx, input.appId, input.request.tierId) : undefined;
    const price = priceTopUp(input.request, tier, deps.settings.walletTopUp);
    if (!price.ok) throw new KassaError(price.code, price.bounds ? { ...price.bounds } : undefined);
    const now = deps.clock.now();
    const order: Order = {
      id: makeId("order", deps.ids),
      kind: "top_up",
      appId: input.appId,
      userId: input.userId,
      status: "PENDING",
      amountFen: price.amountFen,
      description: price.description,
      lines: [],
      bonusFen: price.bonusFen,
      topUpTierId: price.tierId,
      expiresAt: orderExpiry(deps, now),
      createdAt: now,
    };
    const payment = firstPaymentOf(deps, order, payer.channel);
    await insertOrder(trx, order);
    await insertPayment(trx, payment);
    await scheduleOrderClose({ ...deps, db: trx }, order.id, order.expiresAt);
    return viewOrder(order, payment);
  });
  return { replayed, order: value };
}
