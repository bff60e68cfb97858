import type { SandboxContext } from "../context.ts";
import type { FaultKindDefinition } from "../faults.ts";
import type { GatewayCall } from "./gateway-call.ts";
import { closeTrade, findTradeByRef, payTrade, tradeQueryView } from "./trades.ts";

/**
 * A.5 "Race to design for: the user pays a millisecond before the close. The close then fails,
 * and we must query and treat the order as paid." A rule `{"endpoint":
 * "alipay.trade.close.race", "fault": "buyer_pays_first"}` makes the buyer pay just before
 * the close is applied (the payment is notified as usual).
 */
export const CLOSE_RACE_TARGET = "alipay.trade.close.race";
const CLOSE_RACE_KINDS: Record<string, FaultKindDefinition> = {
  buyer_pays_first: {
    scope: "alipay-close-race",
    description: "alipay.trade.close: the buyer pays a moment before the close, which then fails",
  },
};

export function registerCloseRace(ctx: SandboxContext): void {
  ctx.faults.defineKinds(CLOSE_RACE_KINDS);
  ctx.faults.defineTarget(CLOSE_RACE_TARGET, "alipay-close-race");
}

/** `alipay.trade.query` (A.5): ACQ.TRADE_NOT_EXIST for a trade this app never created. */
export async function tradeQuery({ ctx, app, biz }: GatewayCall): Promise<Record<string, unknown>> {
  return tradeQueryView(findTradeByRef(ctx, app.appId, biz));
}

/** `alipay.trade.close` (A.5): WAIT_BUYER_PAY only; a paid trade answers ACQ.TRADE_STATUS_ERROR. */
export async function tradeClose({ ctx, app, biz }: GatewayCall): Promise<Record<string, unknown>> {
  const trade = findTradeByRef(ctx, app.appId, biz);
  if (trade.status === "WAIT_BUYER_PAY") {
    const race = ctx.faults.take(CLOSE_RACE_TARGET, app.appId, undefined, { outTradeNo: trade.outTradeNo });
    if (race) await payTrade(ctx, app.appId, trade.outTradeNo);
  }
  closeTrade(ctx, trade);
  return { trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo };
}
