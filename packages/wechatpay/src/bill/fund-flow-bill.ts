import type { Fen } from "../types.ts";
import {
  type BillEvent,
  type BillParseOptions,
  type BillSpec,
  type ParsedBill,
  parseBillText,
  streamBill,
} from "./bill-parser.ts";
import type { CellReader, ColumnTable } from "./columns.ts";

/**
 * The fund-flow bill (资金账单, §5.7): one row per movement of money on one merchant
 * account (BASIC, OPERATION or FEES). The reference marks these headers [COMMUNITY;
 * UNCONFIRMED], which is one more reason to find them by name.
 *
 * The mapping, English field ← Chinese header; `required` as in the trade bill.
 */
export const FUND_FLOW_BILL_COLUMNS = {
  bookedAt: { header: "记账时间", required: true }, // Beijing time "YYYY-MM-DD HH:mm:ss"
  businessOrderId: { header: "微信支付业务单号", required: true }, // transaction_id, refund_id, ...
  fundFlowId: { header: "资金流水单号", required: true },
  businessName: { header: "业务名称", required: false },
  businessType: { header: "业务类型", required: false }, // e.g. 交易, 退款, 扣除交易手续费
  direction: { header: "收支类型", required: true }, // 收入 (income) | 支出 (expense), kept as written
  amountFen: { header: "收支金额(元)", required: true }, // yuan → fen
  balanceFen: { header: "账户结余(元)", required: false }, // yuan → fen, after this movement
  submittedBy: { header: "资金变更提交申请人", required: false },
  remark: { header: "备注", required: false },
  voucherNo: { header: "业务凭证号", required: false }, // e.g. out_trade_no or out_refund_no
} as const satisfies ColumnTable<string>;

export const FUND_FLOW_BILL_SUMMARY_COLUMNS = {
  flowCount: { header: "资金流水总笔数", required: true },
  incomeCount: { header: "收入笔数", required: true },
  incomeFen: { header: "收入金额", required: true },
  expenseCount: { header: "支出笔数", required: true },
  expenseFen: { header: "支出金额", required: true },
} as const satisfies ColumnTable<string>;

export const FUND_FLOW_DIRECTIONS = ["收入", "支出"] as const;
export type FundFlowDirection = (typeof FUND_FLOW_DIRECTIONS)[number];

type FundFlowField = keyof typeof FUND_FLOW_BILL_COLUMNS;
type FundFlowSummaryField = keyof typeof FUND_FLOW_BILL_SUMMARY_COLUMNS;

export interface FundFlowBillRow {
  bookedAt: string;
  businessOrderId: string;
  fundFlowId: string;
  businessName: string | undefined;
  businessType: string | undefined;
  direction: FundFlowDirection;
  amountFen: Fen;
  balanceFen: Fen | undefined;
  submittedBy: string | undefined;
  remark: string | undefined;
  voucherNo: string | undefined;
  /** Cells of columns not in {@link FUND_FLOW_BILL_COLUMNS}, by Chinese header. */
  extra: Record<string, string>;
}

export interface FundFlowBillSummary {
  flowCount: number;
  incomeCount: number;
  incomeFen: Fen;
  expenseCount: number;
  expenseFen: Fen;
  extra: Record<string, string>;
}

export type FundFlowBill = ParsedBill<FundFlowBillRow, FundFlowBillSummary>;

function toFundFlowRow(cells: CellReader<FundFlowField>): FundFlowBillRow {
  return {
    bookedAt: cells.text("bookedAt"),
    businessOrderId: cells.text("businessOrderId"),
    fundFlowId: cells.text("fundFlowId"),
    businessName: cells.optional("businessName"),
    businessType: cells.optional("businessType"),
    direction: cells.oneOf("direction", FUND_FLOW_DIRECTIONS),
    amountFen: cells.fen("amountFen"),
    balanceFen: cells.optionalFen("balanceFen"),
    submittedBy: cells.optional("submittedBy"),
    remark: cells.optional("remark"),
    voucherNo: cells.optional("voucherNo"),
    extra: cells.extra(),
  };
}

function toFundFlowSummary(cells: CellReader<FundFlowSummaryField>): FundFlowBillSummary {
  return {
    flowCount: cells.count("flowCount"),
    incomeCount: cells.count("incomeCount"),
    incomeFen: cells.fen("incomeFen"),
    expenseCount: cells.count("expenseCount"),
    expenseFen: cells.fen("expenseFen"),
    extra: cells.extra(),
  };
}

const FUND_FLOW_BILL: BillSpec<FundFlowField, FundFlowBillRow, FundFlowSummaryField, FundFlowBillSummary> = {
  what: "fund-flow bill",
  rowColumns: FUND_FLOW_BILL_COLUMNS,
  summaryColumns: FUND_FLOW_BILL_SUMMARY_COLUMNS,
  toRow: toFundFlowRow,
  toSummary: toFundFlowSummary,
  keyFields: ["businessOrderId", "fundFlowId", "voucherNo"],
};

/** Parses a whole fund-flow bill (UTF-8 text; a leading BOM is dropped). */
export function parseFundFlowBill(text: string): FundFlowBill {
  return parseBillText(text, FUND_FLOW_BILL);
}

/** Parses a fund-flow bill line by line, yielding rows as they come and the summary last. */
export function streamFundFlowBill(
  lines: AsyncIterable<string> | Iterable<string>,
  options: BillParseOptions = {},
): AsyncGenerator<BillEvent<FundFlowBillRow, FundFlowBillSummary>, void, undefined> {
  return streamBill(lines, FUND_FLOW_BILL, options);
}
