import { fenToYuan, milliFenToYuan } from "@kassa/wechatpay";
import type { SandboxContext } from "../context.ts";
import type { OrderRecord } from "../domain/order-record.ts";
import { findOrder } from "../domain/orders.ts";
import type { RefundRecord } from "../domain/refund-record.ts";
import type { RefundStatus } from "../domain/refund-state.ts";
import type { FaultRule } from "../faults.ts";
import { type BillDay, beijingTime, inDay } from "./bill-calendar.ts";
import { billFile } from "./bill-csv.ts";
import { tradeRowFault } from "./bill-faults.ts";
import { feeMilliFen, formatRate } from "./fees.ts";

/**
 * The trade bill (§5.7), from the simulator's own records: one row per payment that
 * succeeded that day (Beijing time) and one per refund applied for that day, its status as
 * it stands. ALL has the 27 columns of §5.7; SUCCESS keeps the payment rows and drops the
 * refund columns; REFUND keeps the refund rows. Amounts are yuan formatted from fen without
 * floats; the fee has 5 decimals (negative on refund rows); the summary adds up the rows.
 */

export type GeneratedTradeBillType = "ALL" | "SUCCESS" | "REFUND";

const ALL_COLUMNS = [
  "交易时间",
  "公众账号ID",
  "商户号",
  "特约商户号",
  "设备号",
  "微信订单号",
  "商户订单号",
  "用户标识",
  "交易类型",
  "交易状态",
  "付款银行",
  "货币种类",
  "应结订单金额",
  "代金券金额",
  "微信退款单号",
  "商户退款单号",
  "退款金额",
  "充值券退款金额",
  "退款类型",
  "退款状态",
  "商品名称",
  "商户数据包",
  "手续费",
  "费率",
  "订单金额",
  "申请退款金额",
  "费率备注",
] as const;
const REFUND_ONLY = new Set([
  "微信退款单号",
  "商户退款单号",
  "退款金额",
  "充值券退款金额",
  "退款类型",
  "退款状态",
  "申请退款金额",
]);
const SUCCESS_COLUMNS = ALL_COLUMNS.filter((column) => !REFUND_ONLY.has(column));
const ALL_SUMMARY = [
  "总交易单数",
  "应结订单总金额",
  "退款总金额",
  "充值券退款总金额",
  "手续费总金额",
  "订单总金额",
  "申请退款总金额",
];
const SUCCESS_SUMMARY = ["总交易单数", "应结订单总金额", "手续费总金额", "订单总金额"];

type Column = (typeof ALL_COLUMNS)[number];
interface Row {
  cells: Record<Column, string>;
  settlementFen: number;
  refundFen: number;
  feeMilliFen: number;
  totalFen: number;
}

/** §5.7: bills keep the v2 refund vocabulary (SUCCESS, PROCESSING, FAIL, CHANGE). */
const BILL_REFUND_STATUS: Readonly<Record<RefundStatus, string>> = {
  SUCCESS: "SUCCESS",
  PROCESSING: "PROCESSING",
  CLOSED: "FAIL",
  ABNORMAL: "CHANGE",
};

/** The file, or undefined when the day has no row of this type (NO_STATEMENT_EXIST). */
export function tradeBillFile(
  ctx: SandboxContext,
  mchid: string,
  day: BillDay,
  type: GeneratedTradeBillType,
): Buffer | undefined {
  const rows: Row[] = [];
  if (type !== "REFUND") {
    for (const order of ctx.tables.orders.iterate()) {
      if (order.mchid === mchid && order.transactionId && inDay(day, order.successTime))
        pushWithFault(ctx, rows, paymentRow(order), order, undefined);
    }
  }
  if (type !== "SUCCESS") {
    for (const refund of ctx.tables.refunds.iterate()) {
      if (refund.mchid !== mchid || !inDay(day, refund.createdAt)) continue;
      const order = findOrder(ctx, refund.mchid, refund.outTradeNo);
      if (order) pushWithFault(ctx, rows, refundRow(order, refund), order, refund);
    }
  }
  if (rows.length === 0) return undefined;
  rows.sort((a, b) =>
    a.cells.交易时间 < b.cells.交易时间 ? -1 : a.cells.交易时间 > b.cells.交易时间 ? 1 : 0,
  );
  const sum = (pick: (row: Row) => number) => rows.reduce((total, row) => total + pick(row), 0);
  const columns = type === "SUCCESS" ? SUCCESS_COLUMNS : ALL_COLUMNS;
  const summary: Record<string, string> = {
    总交易单数: String(rows.length),
    应结订单总金额: fenToYuan(sum((row) => row.settlementFen)),
    退款总金额: fenToYuan(sum((row) => row.refundFen)),
    充值券退款总金额: "0.00",
    手续费总金额: milliFenToYuan(sum((row) => row.feeMilliFen)),
    订单总金额: fenToYuan(sum((row) => row.totalFen)),
    申请退款总金额: fenToYuan(sum((row) => row.refundFen)),
  };
  const summaryColumns = type === "SUCCESS" ? SUCCESS_SUMMARY : ALL_SUMMARY;
  return billFile(
    columns,
    rows.map((row) => columns.map((column) => row.cells[column])),
    summaryColumns,
    summaryColumns.map((column) => summary[column]!),
  );
}

/**
 * A bill fault's change to one row (bills/bill-faults.ts), made before the summary adds the
 * rows up, so the file stays consistent with itself as a real bill is.
 */
function pushWithFault(
  ctx: SandboxContext,
  rows: Row[],
  row: Row,
  order: OrderRecord,
  refund: RefundRecord | undefined,
): void {
  const subject = { outTradeNo: order.outTradeNo, outRefundNo: refund?.outRefundNo };
  const fault = tradeRowFault(ctx, order.mchid, subject);
  if (fault?.fault !== "bill_row_dropped") rows.push(fault ? changed(row, fault, refund) : row);
}

function changed(row: Row, fault: FaultRule, refund: RefundRecord | undefined): Row {
  if (fault.fault === "bill_state_changed" && fault.state !== undefined) {
    const cells = refund ? { ...row.cells, 退款状态: fault.state } : { ...row.cells, 交易状态: fault.state };
    return { ...row, cells };
  }
  const delta = fault.deltaFen ?? 0;
  if (refund) {
    const refundFen = row.refundFen + delta;
    const shown = fenToYuan(refundFen);
    return { ...row, refundFen, cells: { ...row.cells, 退款金额: shown, 申请退款金额: shown } };
  }
  const totalFen = row.totalFen + delta;
  const shown = fenToYuan(totalFen);
  return {
    ...row,
    totalFen,
    settlementFen: totalFen,
    cells: { ...row.cells, 应结订单金额: shown, 订单金额: shown },
  };
}

function orderCells(order: OrderRecord) {
  return {
    公众账号ID: order.appid,
    商户号: order.mchid,
    特约商户号: "0", // a direct merchant (§5.7)
    设备号: order.deviceId ?? "",
    微信订单号: order.transactionId!,
    商户订单号: order.outTradeNo,
    用户标识: order.payerOpenid,
    交易类型: "JSAPI",
    付款银行: order.bankType ?? "OTHERS",
    货币种类: "CNY",
    代金券金额: "0.00",
    充值券退款金额: "0.00",
    商品名称: order.description,
    商户数据包: order.attach ?? "",
    费率: formatRate(),
    费率备注: "",
  };
}

function paymentRow(order: OrderRecord): Row {
  const fee = feeMilliFen(order.amountTotal);
  return {
    cells: {
      ...orderCells(order),
      交易时间: beijingTime(order.successTime!),
      交易状态: "SUCCESS",
      应结订单金额: fenToYuan(order.amountTotal),
      微信退款单号: "0",
      商户退款单号: "0",
      退款金额: "0.00",
      退款类型: "",
      退款状态: "",
      手续费: milliFenToYuan(fee),
      订单金额: fenToYuan(order.amountTotal),
      申请退款金额: "0.00",
    },
    settlementFen: order.amountTotal,
    refundFen: 0,
    feeMilliFen: fee,
    totalFen: order.amountTotal,
  };
}

function refundRow(order: OrderRecord, refund: RefundRecord): Row {
  const fee = -feeMilliFen(refund.amountRefund);
  return {
    cells: {
      ...orderCells(order),
      交易时间: beijingTime(refund.createdAt),
      交易状态: "REFUND",
      应结订单金额: "0.00",
      微信退款单号: refund.refundId,
      商户退款单号: refund.outRefundNo,
      退款金额: fenToYuan(refund.amountRefund),
      退款类型: "ORIGINAL",
      退款状态: BILL_REFUND_STATUS[refund.status],
      手续费: milliFenToYuan(fee),
      订单金额: "0.00",
      申请退款金额: fenToYuan(refund.amountRefund),
    },
    settlementFen: 0,
    refundFen: refund.amountRefund,
    feeMilliFen: fee,
    totalFen: 0,
  };
}
