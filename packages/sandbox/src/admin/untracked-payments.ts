import type { SandboxContext } from "../context.ts";
import type { OrderRecord } from "../domain/order-record.ts";
import { orderKey } from "../domain/order-record.ts";
import { findOrder, markPaid } from "../domain/orders.ts";
import { requireMerchant } from "../identity/merchants.ts";
import { invalid, object, only, optionalString } from "./admin-input.ts";

/**
 * A payment the merchant's system never saw (issue 11: for reconciliation tests): paid at
 * the simulator under an out_trade_no no prepay of the merchant made, with no notification
 * sent. It is in every query, bill and fund flow from then on, as a payment taken by another
 * system on the same merchant account (or a lost order) would be at WeChat Pay.
 */
export async function createUntrackedPayment(
  ctx: SandboxContext,
  mchid: string,
  input: unknown,
): Promise<OrderRecord> {
  const merchant = requireMerchant(ctx, mchid);
  const body = object(input, "untracked payment");
  only(body, ["amountFen", "outTradeNo", "description"]);
  optionalString(body, "outTradeNo");
  optionalString(body, "description");
  const amountFen = body.amountFen;
  if (!Number.isSafeInteger(amountFen) || (amountFen as number) < 1) {
    throw invalid("amountFen must be a whole number of fen of at least 1");
  }
  const random = ctx.random.stream("ids");
  const outTradeNo = (body.outTradeNo as string | undefined) ?? `untracked${random.digits(12)}`;
  if (!/^[0-9A-Za-z_\-|*]{6,32}$/.test(outTradeNo)) {
    throw invalid("outTradeNo must be 6-32 of [0-9A-Za-z_-|*] (§5.1)");
  }
  if (findOrder(ctx, mchid, outTradeNo)) throw invalid(`out_trade_no ${outTradeNo} is taken`);
  const now = ctx.clock.now();
  const order: OrderRecord = {
    mchid,
    appid: merchant.appid,
    outTradeNo,
    description: (body.description as string | undefined) ?? "a payment made outside Kassa",
    notifyUrl: merchant.notifyUrl,
    amountTotal: amountFen as number,
    currency: "CNY",
    payerOpenid: `o-untracked-${random.digits(10)}`,
    createdAt: now,
    timeExpire: now + 3600_000,
    fingerprint: "untracked",
    state: "NOTPAY",
    stateChangedAt: now,
    prepayIds: [],
  };
  ctx.tables.orders.set(orderKey(mchid, outTradeNo), order);
  return markPaid(ctx, order); // commits; no notification, on purpose
}
