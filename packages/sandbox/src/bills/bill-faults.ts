import type { SandboxContext } from "../context.ts";
import type { FaultKindDefinition, FaultRule } from "../faults.ts";

/**
 * Faults in the bills (§5.7), so a merchant's reconciliation can be tested against each
 * kind of difference: a row shows another amount or state than the simulator's own record,
 * or the fund flow books another fee. The records themselves never change: queries and
 * notifications keep telling the truth, as WeChat Pay's would while its bill is wrong.
 * A rule without `times` changes every bill generated while it stands, so a day fetched
 * again reads the same.
 */
export const BILL_FAULT_KINDS: Record<string, FaultKindDefinition> = {
  bill_amount_changed: {
    scope: "bill",
    description:
      "the trade bill shows a payment's (outTradeNo) or a refund's (outRefundNo) amount plus deltaFen",
  },
  bill_state_changed: {
    scope: "bill",
    description:
      "the trade bill shows a payment's 交易状态 or a refund's 退款状态 as state (any word, known or not)",
  },
  bill_row_dropped: {
    scope: "bill",
    description: "the trade bill leaves out a payment's (outTradeNo) or a refund's (outRefundNo) row",
  },
  bill_fee_changed: {
    scope: "bill",
    description: "the fund-flow bill books a payment's fee (扣除交易手续费) plus deltaFen",
  },
};

/** The bill rows faults act on, one target per bill. */
export const BILL_FAULT_TARGETS = { trade: "bill.trade_row", fundFlow: "bill.fund_flow_row" } as const;

export function registerBillFaults(ctx: SandboxContext): void {
  ctx.faults.defineKinds(BILL_FAULT_KINDS);
  for (const target of Object.values(BILL_FAULT_TARGETS)) ctx.faults.defineTarget(target, "bill");
}

/** The trade-bill fault for one row, if a rule matches it. */
export function tradeRowFault(
  ctx: SandboxContext,
  mchid: string,
  subject: { outTradeNo: string; outRefundNo?: string | undefined },
): FaultRule | undefined {
  return ctx.faults.take(
    BILL_FAULT_TARGETS.trade,
    mchid,
    ["bill_amount_changed", "bill_state_changed", "bill_row_dropped"],
    subject,
  );
}

/** The fund-flow fault for one payment's fee movement, if a rule matches it. */
export function feeMovementFault(
  ctx: SandboxContext,
  mchid: string,
  outTradeNo: string,
): FaultRule | undefined {
  return ctx.faults.take(BILL_FAULT_TARGETS.fundFlow, mchid, ["bill_fee_changed"], { outTradeNo });
}
