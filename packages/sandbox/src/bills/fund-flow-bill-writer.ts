import { fenToYuan } from "@kassa/wechatpay";
import type { SandboxContext } from "../context.ts";
import { type BillDay, beijingTime, inDay } from "./bill-calendar.ts";
import { billFile } from "./bill-csv.ts";
import { feeMovementFault } from "./bill-faults.ts";
import { type FundMovement, fundMovements } from "./fund-flow.ts";

/**
 * The fund-flow bill (§5.7) of one account for one Beijing-time day: the BASIC account's
 * movements (fund-flow.ts) with the balance after each; OPERATION and FEES never move in
 * the simulator, so their bills do not exist (NO_STATEMENT_EXIST).
 */

export type FundFlowAccount = "BASIC" | "OPERATION" | "FEES";

const COLUMNS = [
  "记账时间",
  "微信支付业务单号",
  "资金流水单号",
  "业务名称",
  "业务类型",
  "收支类型",
  "收支金额(元)",
  "账户结余(元)",
  "资金变更提交申请人",
  "备注",
  "业务凭证号",
];
const SUMMARY = ["资金流水总笔数", "收入笔数", "收入金额", "支出笔数", "支出金额"];

/** The file, or undefined when the account did not move that day. */
export function fundFlowBillFile(
  ctx: SandboxContext,
  mchid: string,
  day: BillDay,
  account: FundFlowAccount,
): Buffer | undefined {
  if (account !== "BASIC") return undefined;
  const movements = withFeeFaults(
    ctx,
    mchid,
    fundMovements(ctx, mchid).filter((movement) => inDay(day, movement.at)),
  );
  if (movements.length === 0) return undefined;
  const income = movements.filter((movement) => movement.direction === "收入");
  const expense = movements.filter((movement) => movement.direction === "支出");
  const total = (list: typeof movements) =>
    fenToYuan(list.reduce((sum, movement) => sum + movement.amountFen, 0));
  return billFile(
    COLUMNS,
    movements.map((movement) => [
      beijingTime(movement.at),
      movement.businessOrderId,
      movement.fundFlowId,
      movement.businessName,
      movement.businessType,
      movement.direction,
      fenToYuan(movement.amountFen),
      fenToYuan(movement.balanceFen),
      movement.submittedBy,
      movement.remark,
      movement.voucherNo,
    ]),
    SUMMARY,
    [String(movements.length), String(income.length), total(income), String(expense.length), total(expense)],
  );
}

/**
 * A bill fault's change to a payment's fee (bills/bill-faults.ts), in the bill only: the
 * account's real movements, and so the balance refunds are checked against, stay as they
 * are; the balances shown after it move with it, so the file adds up.
 */
function withFeeFaults(ctx: SandboxContext, mchid: string, movements: FundMovement[]): FundMovement[] {
  let shift = 0;
  return movements.map((movement) => {
    const fault =
      movement.businessType === "扣除交易手续费"
        ? feeMovementFault(ctx, mchid, movement.voucherNo)
        : undefined;
    const delta = fault?.deltaFen ?? 0;
    shift -= delta;
    return { ...movement, amountFen: movement.amountFen + delta, balanceFen: movement.balanceFen + shift };
  });
}
