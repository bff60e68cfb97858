import type { GatewayCall } from "./gateway-call.ts";
import { closeTrade, findTradeByRef, tradeQueryView } from "./trades.ts";

/** `alipay.trade.query` (A.5): ACQ.TRADE_NOT_EXIST for a trade this app never created. */
export async function tradeQuery({ ctx, app, biz }: GatewayCall): Promise<Record<string, unknown>> {
  return tradeQueryView(findTradeByRef(ctx, app.appId, biz));
}

/** `alipay.trade.close` (A.5): WAIT_BUYER_PAY only; a paid trade answers ACQ.TRADE_STATUS_ERROR. */
export async function tradeClose({ ctx, app, biz }: GatewayCall): Promise<Record<string, unknown>> {
  const trade = findTradeByRef(ctx, app.appId, biz);
  closeTrade(ctx, trade);
  return { trade_no: trade.tradeNo, out_trade_no: trade.outTradeNo };
}
