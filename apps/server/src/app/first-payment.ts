import { makeId, outTradeNoFor } from "../domain/ids.ts";
import type { Order } from "../domain/order.ts";
import type { ExternalChannelName, Payment } from "../domain/payment.ts";
import type { AppDeps } from "./deps.ts";

/**
 * The payment a new order starts with: through the channel its payer logged in with (a
 * WeChat user pays with WeChat Pay, an Alipay user with Alipay), PENDING, for the order's
 * amount, under the order's own id as `out_trade_no` (ids.ts), expiring with the order.
 * Every kind of order starts alike; a purchase paid from the wallet replaces it
 * (pay-from-wallet.ts).
 */
export function firstPaymentOf(
  deps: Pick<AppDeps, "ids">,
  order: Order,
  channel: ExternalChannelName,
): Payment {
  return {
    id: makeId("payment", deps.ids),
    appId: order.appId,
    orderId: order.id,
    channel,
    outTradeNo: outTradeNoFor(order.id),
    status: "PENDING",
    amountFen: order.amountFen,
    expiresAt: order.expiresAt,
    prepayId: null,
    prepayExpiresAt: null,
    prepayLeaseUntil: null,
    transactionId: null,
    bankType: null,
    paidAt: null,
    createdAt: order.createdAt,
  };
}

/** Whole seconds: time_expire is sent in RFC 3339 seconds and must match on every prepay. */
export function orderExpiry(deps: Pick<AppDeps, "settings">, now: number): number {
  return Math.floor((now + deps.settings.orderTtlMs) / 1000) * 1000;
}
