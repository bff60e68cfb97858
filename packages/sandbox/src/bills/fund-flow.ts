import type { SandboxContext } from "../context.ts";
import { feeFen } from "./fees.ts";

/**
 * The merchant's BASIC account (§5.7 fund-flow bill), derived from the simulator's own
 * records so it can never disagree with them: a payment brings its total in and its fee
 * (rounded to fen) out; a refund that succeeds takes its amount out and brings its fee
 * back; admin adjustments set the balance. Booked in time order, with the running balance
 * (账户结余) after each movement. OPERATION and FEES accounts see no movement here.
 */

export interface FundMovement {
  at: number;
  /** 微信支付业务单号: the transaction_id or refund_id. */
  businessOrderId: string;
  /** 资金流水单号, 30 digits. */
  fundFlowId: string;
  /** 业务名称: the goods, or 退款. */
  businessName: string;
  /** 业务类型 */
  businessType: "交易" | "扣除交易手续费" | "退款" | "退还交易手续费" | "调账";
  direction: "收入" | "支出";
  /** Always positive; the direction says which way. */
  amountFen: number;
  balanceFen: number;
  /** 资金变更提交申请人 */
  submittedBy: string;
  remark: string;
  /** 业务凭证号: out_trade_no or out_refund_no. */
  voucherNo: string;
}

/** A balance change made through the admin API (to provoke NOT_ENOUGH, §5.8), shown as 调账. */
export interface FundAdjustmentRecord {
  id: string;
  mchid: string;
  at: number;
  /** Signed: positive adds to the balance. */
  deltaFen: number;
  note: string;
}

type Unbalanced = Omit<FundMovement, "balanceFen"> & { delta: number };

export function fundMovements(ctx: SandboxContext, mchid: string): FundMovement[] {
  const movements: Unbalanced[] = [];
  for (const order of ctx.tables.orders.iterate()) {
    if (order.mchid !== mchid || !order.transactionId || order.successTime === undefined) continue;
    const common = {
      at: order.successTime,
      businessOrderId: order.transactionId,
      submittedBy: "system",
      remark: "",
      voucherNo: order.outTradeNo,
    };
    movements.push({
      ...common,
      fundFlowId: `${order.transactionId}01`,
      businessName: order.description,
      businessType: "交易",
      direction: "收入",
      amountFen: order.amountTotal,
      delta: order.amountTotal,
    });
    const fee = feeFen(order.amountTotal);
    if (fee > 0) {
      movements.push({
        ...common,
        fundFlowId: `${order.transactionId}02`,
        businessName: order.description,
        businessType: "扣除交易手续费",
        direction: "支出",
        amountFen: fee,
        delta: -fee,
      });
    }
  }
  for (const refund of ctx.tables.refunds.iterate()) {
    if (refund.mchid !== mchid || refund.status !== "SUCCESS" || refund.successTime === undefined) continue;
    const common = {
      at: refund.successTime,
      businessOrderId: refund.refundId,
      businessName: "退款",
      submittedBy: mchid,
      voucherNo: refund.outRefundNo,
    };
    movements.push({
      ...common,
      fundFlowId: `${refund.refundId}1`,
      businessType: "退款",
      direction: "支出",
      amountFen: refund.amountRefund,
      delta: -refund.amountRefund,
      remark: refund.reason ?? "用户申请退款",
    });
    if (refund.refundFeeFen > 0) {
      movements.push({
        ...common,
        fundFlowId: `${refund.refundId}2`,
        businessType: "退还交易手续费",
        direction: "收入",
        amountFen: refund.refundFeeFen,
        delta: refund.refundFeeFen,
        remark: "",
      });
    }
  }
  for (const adjustment of ctx.tables.fundAdjustments.iterate()) {
    if (adjustment.mchid !== mchid) continue;
    movements.push({
      at: adjustment.at,
      businessOrderId: adjustment.id,
      fundFlowId: adjustment.id,
      businessName: "沙箱调账",
      businessType: "调账",
      direction: adjustment.deltaFen >= 0 ? "收入" : "支出",
      amountFen: Math.abs(adjustment.deltaFen),
      delta: adjustment.deltaFen,
      submittedBy: "sandbox",
      remark: adjustment.note,
      voucherNo: adjustment.id,
    });
  }
  movements.sort((a, b) => a.at - b.at); // stable: a payment's income stays before its fee
  let balance = 0;
  return movements.map(({ delta, ...movement }) => {
    balance += delta;
    return { ...movement, balanceFen: balance };
  });
}

/** The BASIC balance now. */
export function basicBalanceFen(ctx: SandboxContext, mchid: string): number {
  const movements = fundMovements(ctx, mchid).filter((movement) => movement.at <= ctx.clock.now());
  return movements.at(-1)?.balanceFen ?? 0;
}
