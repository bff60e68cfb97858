import { unzipSync } from "fflate";
import { type Fen, tryYuanToFen } from "./amounts.ts";
import { AlipayError } from "./errors.ts";
import { epochOfBeijingTimestamp } from "./sign.ts";

/**
 * The trade bill behind `alipay.data.dataservice.bill.downloadurl.query` (reference A.5): a
 * zip of GBK-encoded CSV files, the detail (`…_业务明细.csv`) and its summary
 * (`…_业务明细(汇总).csv`). A.5 marks the exact columns and the `#` lines [unconfirmed], so
 * this reader finds columns by their header names, not their positions, skips every `#`
 * line but the footer's totals, and reports a row it cannot read instead of failing the
 * whole bill. Amounts are integer fen, signed as the bill signs them (a refund's negative).
 */

export interface AlipayBillRow {
  /** 1-based line of the detail file, for an operator looking at it. */
  line: number;
  /** 支付宝交易号 */
  tradeNo: string;
  /** 商户订单号 */
  outTradeNo: string;
  /** 业务类型: 交易 (a payment) or 退款 (a refund); anything else is kept as written. */
  kind: string;
  /** 订单金额（元）: negative for a refund. */
  amountFen: Fen;
  /** 服务费（元）: what Alipay charged, negative; a refund gives part of it back, positive. */
  serviceFeeFen: Fen;
  /** 退款批次号/请求号: a refund's out_request_no; empty for a payment. */
  outRequestNo: string;
  /** 完成时间, epoch ms. */
  completedAt: number;
}

export interface AlipayBillUnreadable {
  line: number;
  problem: string;
  tradeNo: string | undefined;
  outTradeNo: string | undefined;
  outRequestNo: string | undefined;
}

/** The detail's footer: `#交易合计：N笔，退款合计：M笔，商家实收：X元，服务费：Y元`. */
export interface AlipayBillFooter {
  payments: number;
  refunds: number;
  /** 商家实收: payments less refunds. */
  netFen: Fen;
  serviceFeeFen: Fen;
}

export interface AlipayTradeBill {
  rows: AlipayBillRow[];
  unreadable: AlipayBillUnreadable[];
  footer: AlipayBillFooter | undefined;
}

const COLUMNS = {
  tradeNo: "支付宝交易号",
  outTradeNo: "商户订单号",
  kind: "业务类型",
  completedAt: "完成时间",
  amount: "订单金额（元）",
  serviceFee: "服务费（元）",
  outRequestNo: "退款批次号/请求号",
} as const;

/** Reads the trade bill's detail out of the zip Alipay's download URL answers. */
export function readTradeBill(zipBytes: Uint8Array): AlipayTradeBill {
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(zipBytes);
  } catch (error) {
    throw new AlipayError("RESPONSE_SHAPE_INVALID", "the bill download is not a zip file (A.5)", {
      cause: error,
    });
  }
  // The summary's name holds 业务明细 too: it is the one with (汇总).
  const detailName = Object.keys(files).find((name) => name.endsWith("业务明细.csv"));
  const detail = detailName === undefined ? undefined : files[detailName];
  if (detail === undefined) {
    throw new AlipayError(
      "RESPONSE_SHAPE_INVALID",
      `the bill zip holds no …_业务明细.csv (it holds ${Object.keys(files).join(", ") || "nothing"})`,
    );
  }
  return readDetail(new TextDecoder("gbk").decode(detail));
}

function readDetail(text: string): AlipayTradeBill {
  const bill: AlipayTradeBill = { rows: [], unreadable: [], footer: undefined };
  let header: Map<string, number> | undefined;
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === "") return;
    if (trimmed.startsWith("#")) {
      bill.footer ??= footerOf(trimmed);
      return;
    }
    const cells = csvCells(raw);
    if (!header) {
      header = new Map(cells.map((name, position) => [name.trim(), position]));
      const missing = Object.values(COLUMNS).filter((name) => !header?.has(name));
      if (missing.length > 0)
        throw new AlipayError("RESPONSE_SHAPE_INVALID", `the bill's header lacks ${missing.join(", ")}`);
      return;
    }
    const cell = (name: string) => (cells[header?.get(name) ?? -1] ?? "").trim();
    const identity = {
      tradeNo: cell(COLUMNS.tradeNo) || undefined,
      outTradeNo: cell(COLUMNS.outTradeNo) || undefined,
      outRequestNo: cell(COLUMNS.outRequestNo) || undefined,
    };
    const amountFen = signedFen(cell(COLUMNS.amount));
    const serviceFeeFen = signedFen(cell(COLUMNS.serviceFee));
    const completedAt = epochOfBeijingTimestamp(cell(COLUMNS.completedAt));
    const problem =
      identity.tradeNo === undefined || identity.outTradeNo === undefined
        ? "no 支付宝交易号 or 商户订单号"
        : amountFen === undefined
          ? `订单金额 ${JSON.stringify(cell(COLUMNS.amount))} is not an amount`
          : serviceFeeFen === undefined
            ? `服务费 ${JSON.stringify(cell(COLUMNS.serviceFee))} is not an amount`
            : completedAt === undefined
              ? `完成时间 ${JSON.stringify(cell(COLUMNS.completedAt))} is not a time`
              : undefined;
    if (
      problem !== undefined ||
      amountFen === undefined ||
      serviceFeeFen === undefined ||
      completedAt === undefined
    ) {
      bill.unreadable.push({ line, problem: problem ?? "unreadable", ...identity });
      return;
    }
    bill.rows.push({
      line,
      tradeNo: identity.tradeNo ?? "",
      outTradeNo: identity.outTradeNo ?? "",
      kind: cell(COLUMNS.kind),
      amountFen,
      serviceFeeFen,
      outRequestNo: identity.outRequestNo ?? "",
      completedAt,
    });
  });
  if (!header) throw new AlipayError("RESPONSE_SHAPE_INVALID", "the bill has no header row");
  return bill;
}

const FOOTER = /^#交易合计：(\d+)笔，退款合计：(\d+)笔，商家实收：(-?[\d.]+)元，服务费：(-?[\d.]+)元/;

function footerOf(line: string): AlipayBillFooter | undefined {
  const match = FOOTER.exec(line);
  if (!match) return undefined;
  const netFen = signedFen(match[3] ?? "");
  const serviceFeeFen = signedFen(match[4] ?? "");
  if (netFen === undefined || serviceFeeFen === undefined) return undefined;
  return { payments: Number(match[1]), refunds: Number(match[2]), netFen, serviceFeeFen };
}

/** A yuan amount with an optional minus, exactly, in fen. */
function signedFen(text: string): Fen | undefined {
  if (text.startsWith("-")) {
    const fen = tryYuanToFen(text.slice(1));
    return fen === undefined ? undefined : -fen;
  }
  return tryYuanToFen(text);
}

/** RFC 4180 cells of one line: quoted cells may hold commas and doubled quotes. */
function csvCells(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let index = 0; index < line.length; index++) {
    const char = line[index];
    if (quoted) {
      if (char === '"' && line[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else cell += char;
  }
  cells.push(cell);
  return cells;
}
