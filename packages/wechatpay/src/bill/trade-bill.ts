import type { Fen } from "../types.ts";
import type { MilliFen } from "./amounts.ts";
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
 * The trade bill (交易账单, §5.7): one row per payment and one per refund of the day.
 *
 * The mapping, English field ← Chinese header. `required`: the bill is refused without the
 * column; every other column may be absent (a SUCCESS bill has no refund columns) and is
 * then undefined. Headers the table does not know land in `extra`.
 */
export const TRADE_BILL_COLUMNS = {
  tradeTime: { header: "交易时间", required: true }, // Beijing time "YYYY-MM-DD HH:mm:ss"; refund rows: the refund's
  appid: { header: "公众账号ID", required: true }, // the mini program's AppID
  mchid: { header: "商户号", required: true },
  subMchid: { header: "特约商户号", required: false }, // `0` for direct merchants → undefined
  deviceInfo: { header: "设备号", required: false },
  transactionId: { header: "微信订单号", required: true },
  outTradeNo: { header: "商户订单号", required: true },
  openid: { header: "用户标识", required: false },
  tradeType: { header: "交易类型", required: false }, // JSAPI, NATIVE, ...
  tradeState: { header: "交易状态", required: true }, // v2 vocabulary: SUCCESS | REFUND | REVOKED
  bankType: { header: "付款银行", required: false }, // e.g. OTHERS, CMB_CREDIT
  currency: { header: "货币种类", required: false }, // CNY
  settlementTotalFen: { header: "应结订单金额", required: true }, // yuan → fen; 0.00 on refund rows
  couponFen: { header: "代金券金额", required: false }, // yuan → fen
  refundId: { header: "微信退款单号", required: false }, // `0` on payment rows → undefined
  outRefundNo: { header: "商户退款单号", required: false }, // `0` on payment rows → undefined
  refundFen: { header: "退款金额", required: false }, // yuan → fen
  rechargeCouponRefundFen: { header: "充值券退款金额", required: false }, // yuan → fen
  refundType: { header: "退款类型", required: false }, // e.g. ORIGINAL
  refundStatus: { header: "退款状态", required: false }, // v2 vocabulary: SUCCESS | PROCESSING | FAIL | CHANGE
  goodsName: { header: "商品名称", required: false }, // the order's description
  attach: { header: "商户数据包", required: false },
  feeMilliFen: { header: "手续费", required: true }, // 5 decimals → MilliFen (amounts.ts); negative on refunds
  feeRatePpm: { header: "费率", required: false }, // `0.60%` → 6000 parts per million
  totalFen: { header: "订单金额", required: false }, // yuan → fen
  appliedRefundFen: { header: "申请退款金额", required: false }, // yuan → fen
  feeRateRemark: { header: "费率备注", required: false },
} as const satisfies ColumnTable<string>;

/** The trade bill's summary row (§5.7), same conventions. */
export const TRADE_BILL_SUMMARY_COLUMNS = {
  tradeCount: { header: "总交易单数", required: true },
  settlementTotalFen: { header: "应结订单总金额", required: true },
  refundFen: { header: "退款总金额", required: false },
  rechargeCouponRefundFen: { header: "充值券退款总金额", required: false },
  feeMilliFen: { header: "手续费总金额", required: true },
  totalFen: { header: "订单总金额", required: false },
  appliedRefundFen: { header: "申请退款总金额", required: false },
} as const satisfies ColumnTable<string>;

/** §5.7: bills keep the v2 state names, which differ from the API's `trade_state`. */
export const BILL_TRADE_STATES = ["SUCCESS", "REFUND", "REVOKED"] as const;
export type BillTradeState = (typeof BILL_TRADE_STATES)[number];
export const BILL_REFUND_STATUSES = ["SUCCESS", "PROCESSING", "FAIL", "CHANGE"] as const;
export type BillRefundStatus = (typeof BILL_REFUND_STATUSES)[number];

type TradeField = keyof typeof TRADE_BILL_COLUMNS;
type TradeSummaryField = keyof typeof TRADE_BILL_SUMMARY_COLUMNS;

export interface TradeBillRow {
  tradeTime: string;
  appid: string;
  mchid: string;
  subMchid: string | undefined;
  deviceInfo: string | undefined;
  transactionId: string;
  outTradeNo: string;
  openid: string | undefined;
  tradeType: string | undefined;
  tradeState: BillTradeState;
  bankType: string | undefined;
  currency: string | undefined;
  settlementTotalFen: Fen;
  couponFen: Fen | undefined;
  refundId: string | undefined;
  outRefundNo: string | undefined;
  refundFen: Fen | undefined;
  rechargeCouponRefundFen: Fen | undefined;
  refundType: string | undefined;
  refundStatus: BillRefundStatus | undefined;
  goodsName: string | undefined;
  attach: string | undefined;
  feeMilliFen: MilliFen;
  feeRatePpm: number | undefined;
  totalFen: Fen | undefined;
  appliedRefundFen: Fen | undefined;
  feeRateRemark: string | undefined;
  /** Cells of columns not in {@link TRADE_BILL_COLUMNS}, by Chinese header. */
  extra: Record<string, string>;
}

export interface TradeBillSummary {
  tradeCount: number;
  settlementTotalFen: Fen;
  refundFen: Fen | undefined;
  rechargeCouponRefundFen: Fen | undefined;
  feeMilliFen: MilliFen;
  totalFen: Fen | undefined;
  appliedRefundFen: Fen | undefined;
  extra: Record<string, string>;
}

export type TradeBill = ParsedBill<TradeBillRow, TradeBillSummary>;

/** `0` stands for "none" in these identifier columns (§5.7 特约商户号; payment rows' refund ids). */
function unlessZero(value: string | undefined): string | undefined {
  return value === "0" ? undefined : value;
}

function toTradeRow(cells: CellReader<TradeField>): TradeBillRow {
  return {
    tradeTime: cells.text("tradeTime"),
    appid: cells.text("appid"),
    mchid: cells.text("mchid"),
    subMchid: unlessZero(cells.optional("subMchid")),
    deviceInfo: cells.optional("deviceInfo"),
    transactionId: cells.text("transactionId"),
    outTradeNo: cells.text("outTradeNo"),
    openid: cells.optional("openid"),
    tradeType: cells.optional("tradeType"),
    tradeState: cells.oneOf("tradeState", BILL_TRADE_STATES),
    bankType: cells.optional("bankType"),
    currency: cells.optional("currency"),
    settlementTotalFen: cells.fen("settlementTotalFen"),
    couponFen: cells.optionalFen("couponFen"),
    refundId: unlessZero(cells.optional("refundId")),
    outRefundNo: unlessZero(cells.optional("outRefundNo")),
    refundFen: cells.optionalFen("refundFen"),
    rechargeCouponRefundFen: cells.optionalFen("rechargeCouponRefundFen"),
    refundType: cells.optional("refundType"),
    refundStatus: cells.optionalOneOf("refundStatus", BILL_REFUND_STATUSES),
    goodsName: cells.optional("goodsName"),
    attach: cells.optional("attach"),
    feeMilliFen: cells.milliFen("feeMilliFen"),
    feeRatePpm: cells.optionalPercentPpm("feeRatePpm"),
    totalFen: cells.optionalFen("totalFen"),
    appliedRefundFen: cells.optionalFen("appliedRefundFen"),
    feeRateRemark: cells.optional("feeRateRemark"),
    extra: cells.extra(),
  };
}

function toTradeSummary(cells: CellReader<TradeSummaryField>): TradeBillSummary {
  return {
    tradeCount: cells.count("tradeCount"),
    settlementTotalFen: cells.fen("settlementTotalFen"),
    refundFen: cells.optionalFen("refundFen"),
    rechargeCouponRefundFen: cells.optionalFen("rechargeCouponRefundFen"),
    feeMilliFen: cells.milliFen("feeMilliFen"),
    totalFen: cells.optionalFen("totalFen"),
    appliedRefundFen: cells.optionalFen("appliedRefundFen"),
    extra: cells.extra(),
  };
}

const TRADE_BILL: BillSpec<TradeField, TradeBillRow, TradeSummaryField, TradeBillSummary> = {
  what: "trade bill",
  rowColumns: TRADE_BILL_COLUMNS,
  summaryColumns: TRADE_BILL_SUMMARY_COLUMNS,
  toRow: toTradeRow,
  toSummary: toTradeSummary,
  keyFields: ["outTradeNo", "transactionId", "outRefundNo", "refundId"],
};

/** Parses a whole trade bill (UTF-8 text; a leading BOM is dropped). */
export function parseTradeBill(text: string): TradeBill {
  return parseBillText(text, TRADE_BILL);
}

/** Parses a trade bill line by line, yielding rows as they come and the summary last. */
export function streamTradeBill(
  lines: AsyncIterable<string> | Iterable<string>,
  options: BillParseOptions = {},
): AsyncGenerator<BillEvent<TradeBillRow, TradeBillSummary>, void, undefined> {
  return streamBill(lines, TRADE_BILL, options);
}
