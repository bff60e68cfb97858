import type { SandboxContext } from "../context.ts";
import type { FaultKindDefinition } from "../faults.ts";

/**
 * A fault in a query's answer (§5.2): the transaction shows another `trade_state` than the
 * simulator's record, which itself never changes. It lets a merchant meet the states a JSAPI
 * order never reaches here but its code must still read, above all `PAYERROR` ("payment
 * failed", reference §5.2: micropay's, yet in the enumeration every query answer may carry).
 */
export const QUERY_FAULT_KINDS: Record<string, FaultKindDefinition> = {
  query_state_changed: {
    scope: "query",
    description:
      "a query of a payment (outTradeNo) answers its trade_state as state (PAYERROR, REVOKED, ...)",
  },
};

export const QUERY_FAULT_TARGET = "transactions.query_state";

/** WeChat Pay's own words for each state a fault may show (§5.2 trade_state_desc). */
const STATE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  PAYERROR: "支付失败，其他原因，如银行返回失败",
  REVOKED: "已撤销",
  USERPAYING: "用户支付中",
  CLOSED: "已关闭",
  NOTPAY: "未支付",
};

export function registerQueryFaults(ctx: SandboxContext): void {
  ctx.faults.defineKinds(QUERY_FAULT_KINDS);
  ctx.faults.defineTarget(QUERY_FAULT_TARGET, "query");
}

/** The transaction as a fault makes the query show it, or as it is. */
export function withQueryFault<T extends { trade_state: string; trade_state_desc: string }>(
  ctx: SandboxContext,
  mchid: string,
  outTradeNo: string,
  transaction: T,
): T {
  const fault = ctx.faults.take(QUERY_FAULT_TARGET, mchid, ["query_state_changed"], { outTradeNo });
  if (fault?.state === undefined) return transaction;
  return {
    ...transaction,
    trade_state: fault.state,
    trade_state_desc: STATE_DESCRIPTIONS[fault.state] ?? fault.state,
  };
}
