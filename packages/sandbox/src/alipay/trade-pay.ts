import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import { alipayTables, buyerKey } from "./records.ts";
import { payTrade } from "./trades.ts";

/**
 * The buyer at the cashier that `my.tradePay({ tradeNO })` opens (reference A.2, A.8 item 4).
 * What really happens (`action`: pay or cancel) and what the mini program is told
 * (`resultCode`) are chosen separately, so a test can make the client say 9000 for an unpaid
 * trade, or 6004 for a paid one: A.2's rule that the result is only a hint.
 */

export const TRADE_PAY_RESULT_CODES = {
  "9000": "订单处理成功 (order processed successfully)",
  "8000": "正在处理中 (processing; the outcome is unknown)",
  "4000": "订单处理失败 (order processing failed)",
  "6001": "用户中途取消 (the user cancelled)",
  "6002": "网络连接出错 (network error)",
  "6004": "支付结果未知 (the outcome is unknown)",
} as const;

export type TradePayResultCode = keyof typeof TRADE_PAY_RESULT_CODES;

export interface TradePayInput {
  /** A.2: the trade_no from trade.create (capital "NO"), not the out_trade_no. */
  tradeNO: string;
  action: "pay" | "cancel";
  /** What `my.tradePay` answers; by default what the action earned. */
  resultCode?: TradePayResultCode;
  /** The account at the cashier (user_id or this app's open_id); by default the trade's buyer. */
  payer?: string;
}

export interface TradePayOutcome {
  resultCode: TradePayResultCode;
  memo: string;
  /** Whether this visit paid the trade (for the test, not something my.tradePay says). */
  paid: boolean;
}

export function readTradePayInput(body: Record<string, unknown>): TradePayInput {
  const invalid = (detail: string) => new SandboxError("PAYMENT_REQUEST_INVALID", detail);
  const allowed = ["tradeNO", "action", "resultCode", "payer"];
  const unknown = Object.keys(body).filter((key) => !allowed.includes(key));
  if (unknown.length > 0)
    throw invalid(`unknown field ${unknown.join(", ")}; allowed: ${allowed.join(", ")}`);
  if (typeof body.tradeNO !== "string" || body.tradeNO === "") throw invalid("tradeNO is required");
  if (body.action !== "pay" && body.action !== "cancel") throw invalid('action must be "pay" or "cancel"');
  const resultCode = body.resultCode === "" ? undefined : body.resultCode;
  if (resultCode !== undefined && !(typeof resultCode === "string" && resultCode in TRADE_PAY_RESULT_CODES)) {
    throw invalid(`resultCode must be one of ${Object.keys(TRADE_PAY_RESULT_CODES).join(", ")}`);
  }
  if (body.payer !== undefined && body.payer !== "" && typeof body.payer !== "string") {
    throw invalid("payer must be a user_id or open_id");
  }
  return {
    tradeNO: body.tradeNO,
    action: body.action,
    ...(resultCode === undefined ? {} : { resultCode: resultCode as TradePayResultCode }),
    ...(typeof body.payer === "string" && body.payer !== "" ? { payer: body.payer } : {}),
  };
}

export async function visitCashier(ctx: SandboxContext, input: TradePayInput): Promise<TradePayOutcome> {
  const answer = (earned: TradePayResultCode, paid: boolean, why?: string): TradePayOutcome => {
    const resultCode = input.resultCode ?? earned;
    return { resultCode, memo: why ?? TRADE_PAY_RESULT_CODES[resultCode], paid };
  };
  const tables = alipayTables(ctx);
  const key = tables.tradeNos.get(input.tradeNO);
  const trade = key === undefined ? undefined : tables.trades.get(key);
  // A.2: 4000 "usually a bad or missing tradeNO (wrong case, or out_trade_no passed by mistake)".
  if (!trade)
    return answer("4000", false, `no trade has trade_no ${input.tradeNO}: pass trade_no, not out_trade_no`);
  if (input.payer !== undefined) {
    const payer = tables.buyers.get(buyerKey(trade.appId, input.payer));
    const buyer = tables.buyers.get(buyerKey(trade.appId, trade.buyerId ?? trade.buyerOpenId ?? ""));
    // A.1/A.2: another account than the trade's buyer cannot pay it.
    if (!payer || !buyer || payer.userId !== buyer.userId) {
      return answer("4000", false, "the paying account is not the trade's buyer (A.1)");
    }
  }
  if (trade.status !== "WAIT_BUYER_PAY") {
    // [unconfirmed] what the cashier says for a paid or closed trade.
    return answer("4000", false, `the trade is ${trade.status}`);
  }
  if (input.action === "cancel") return answer("6001", false);
  await payTrade(ctx, trade.appId, trade.outTradeNo);
  return answer("9000", true);
}
