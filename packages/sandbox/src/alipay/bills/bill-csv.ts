import { fenToYuan } from "@kassa/alipay";
import { feeFen, refundFeeFen } from "../../bills/fees.ts";
import type { FaultRule } from "../../faults.ts";
import type { AlipayAppRecord, AlipayRefundRecord, AlipayTradeRecord } from "../records.ts";
import { type BillPeriod, beijingChinese, beijingText } from "./bill-period.ts";

/**
 * The trade bill's two CSV files, our best guess at Alipay's layout (reference A.5: the exact
 * columns, the `#` header and footer lines and the summary file are [unconfirmed]; a parser
 * should be tolerant). One row per payment completed in the period (业务类型 交易) and one per
 * refund (退款, negative amounts, 退款批次号 = out_request_no). The fee (服务费) is the
 * sandbox's 0.60% (bills/fees.ts), charged as a negative amount and given back with refunds.
 */

export const DETAIL_COLUMNS = [
  "支付宝交易号",
  "商户订单号",
  "业务类型",
  "商品名称",
  "创建时间",
  "完成时间",
  "门店编号",
  "门店名称",
  "操作员",
  "终端号",
  "对方账户",
  "订单金额（元）",
  "商家实收（元）",
  "支付宝红包（元）",
  "集分宝（元）",
  "支付宝优惠（元）",
  "商家优惠（元）",
  "券核销金额（元）",
  "券名称",
  "商家红包消费金额（元）",
  "卡消费金额（元）",
  "退款批次号/请求号",
  "服务费（元）",
  "分润（元）",
  "备注",
] as const;

const SUMMARY_COLUMNS = [
  "门店编号",
  "门店名称",
  "交易订单总笔数",
  "退款订单总笔数",
  "订单金额（元）",
  "商家实收（元）",
  "支付宝优惠（元）",
  "商家优惠（元）",
  "卡消费金额（元）",
  "服务费（元）",
  "分润（元）",
  "实收净额（元）",
];

export interface BillInput {
  app: AlipayAppRecord;
  period: BillPeriod;
  trades: AlipayTradeRecord[];
  /** Every refund of those apps' trades, in the order made (the fee given back depends on the earlier ones). */
  refunds: AlipayRefundRecord[];
  exportedAt: number;
  /**
   * The bill fault for a row (bills/bill-faults.ts: amount changed, state changed, row
   * dropped), so a merchant's reconciliation meets each difference (A.8 item 7). The records
   * never change; only what the bill shows of them.
   */
  rowFault?: (subject: { outTradeNo: string; outRefundNo?: string }) => FaultRule | undefined;
}

export interface BillFiles {
  detail: string;
  summary: string;
}

const signedYuan = (fen: number) => (fen < 0 ? `-${fenToYuan(-fen)}` : fenToYuan(fen));
const ZERO = "0.00";

export function tradeBillCsv(input: BillInput): BillFiles {
  const { app, period } = input;
  const inPeriod = (at: number | undefined) => at !== undefined && at >= period.start && at < period.end;
  const tradesByNo = new Map(input.trades.map((trade) => [trade.tradeNo, trade]));
  const rows: string[][] = [];
  let payments = 0;
  let refunds = 0;
  let amountFen = 0;
  let feeTotalFen = 0;
  const row = (
    trade: AlipayTradeRecord,
    trueKind: "交易" | "退款",
    trueFen: number,
    fee: number,
    at: number,
    requestNo: string,
  ) => {
    const fault = input.rowFault?.({
      outTradeNo: trade.outTradeNo,
      ...(requestNo === "" ? {} : { outRefundNo: requestNo }),
    });
    if (fault?.fault === "bill_row_dropped") return;
    const kind = fault?.fault === "bill_state_changed" && fault.state !== undefined ? fault.state : trueKind;
    // A refund's amount is negative: the delta is on what was refunded.
    const delta = fault?.fault === "bill_amount_changed" ? (fault.deltaFen ?? 0) : 0;
    const fen = trueFen < 0 ? trueFen - delta : trueFen + delta;
    rows.push([
      trade.tradeNo,
      trade.outTradeNo,
      kind,
      trade.subject,
      beijingText(trade.createdAt),
      beijingText(at),
      "",
      "",
      "",
      "",
      trade.buyerLogonId,
      signedYuan(fen),
      signedYuan(fen),
      ZERO,
      ZERO,
      ZERO,
      ZERO,
      ZERO,
      "",
      ZERO,
      ZERO,
      requestNo,
      signedYuan(fee),
      ZERO,
      "",
    ]);
    if (trueKind === "交易") payments++;
    else refunds++;
    amountFen += fen;
    feeTotalFen += fee;
  };
  for (const trade of input.trades) {
    if (!inPeriod(trade.paidAt)) continue;
    row(trade, "交易", trade.totalFen, -feeFen(trade.totalFen), trade.paidAt ?? 0, "");
  }
  const earlier = new Map<string, { refund: number; fee: number }[]>();
  for (const refund of input.refunds) {
    const trade = tradesByNo.get(refund.tradeNo);
    if (!trade) continue;
    const before = earlier.get(trade.tradeNo) ?? [];
    const fee = refundFeeFen(trade.totalFen, refund.refundFen, before);
    before.push({ refund: refund.refundFen, fee });
    earlier.set(trade.tradeNo, before);
    if (!inPeriod(refund.refundedAt)) continue;
    row(trade, "退款", -refund.refundFen, fee, refund.refundedAt, refund.outRequestNo);
  }
  const account = `${app.sellerId}0156`;
  const range = `#起始日期：[${beijingChinese(period.start)}]   终止日期：[${beijingChinese(period.end)}]`;
  const exported = `#导出时间：[${beijingChinese(input.exportedAt)}]`;
  const detail = [
    "#支付宝业务明细查询",
    `#账号：[${account}]`,
    range,
    "#-----------------------------------------业务明细列表----------------------------------------",
    DETAIL_COLUMNS.join(","),
    ...rows.map((cells) => cells.map(csvCell).join(",")),
    "#-----------------------------------------业务明细列表结束------------------------------------",
    `#交易合计：${payments}笔，退款合计：${refunds}笔，商家实收：${signedYuan(amountFen)}元，服务费：${signedYuan(feeTotalFen)}元`,
    exported,
  ];
  const summary = [
    "#支付宝业务汇总查询",
    `#账号：[${account}]`,
    range,
    "#-----------------------------------------业务汇总列表----------------------------------------",
    SUMMARY_COLUMNS.join(","),
    [
      "",
      "合计",
      String(payments),
      String(refunds),
      signedYuan(amountFen),
      signedYuan(amountFen),
      ZERO,
      ZERO,
      ZERO,
      signedYuan(feeTotalFen),
      ZERO,
      signedYuan(amountFen + feeTotalFen),
    ].join(","),
    "#-----------------------------------------业务汇总列表结束------------------------------------",
    exported,
  ];
  return { detail: `${detail.join("\r\n")}\r\n`, summary: `${summary.join("\r\n")}\r\n` };
}

/** RFC 4180: a cell with a comma, quote or line break is quoted, its quotes doubled. */
function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
