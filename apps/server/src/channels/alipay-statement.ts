import type { AlipayBillRow, AlipayClient, AlipayTradeBill } from "@kassa/alipay";
import { toFen } from "../domain/money.ts";
import { beijingDayWindow } from "../domain/reconciliation.ts";
import { alipayCodeOf, toChannelError } from "./alipay-errors.ts";
import { alipayRefundId } from "./alipay-mapping.ts";
import type { ChannelStatement, StatementEntry } from "./statement.ts";

/**
 * A day's statement from Alipay (reference A.5): the trade bill's detail, whose every row is a
 * payment (交易) or a refund (退款) with its service fee (服务费). Alipay keeps no separate
 * fund flow of fees, so each row's fee is also the fee booked for it. The bill is one zip
 * read into memory: a mini program merchant's day is small, and the link lives 30 s.
 *
 * A day's bill exists from about 10:00 the next day (A.5, T+1): before, Alipay answers that
 * the bill does not exist, or that the date is invalid while the day has not ended.
 */
export async function alipayStatement(
  client: AlipayClient,
  day: string,
  now: number,
): Promise<ChannelStatement> {
  let bill: AlipayTradeBill;
  try {
    bill = await client.bill.tradeBill(day);
  } catch (error) {
    const code = alipayCodeOf(error);
    // A text that is no calendar day is no day in progress: its refusal stands.
    const dayEnds = beijingDayWindow(day)?.end ?? Number.NEGATIVE_INFINITY;
    if (code === "isp.bill_not_exist" || (code === "ACQ.INVALID_PARAMETER" && now < dayEnds))
      return { status: "not_ready" };
    throw toChannelError(error, "read");
  }
  return { status: "ready", entries: entriesOf(bill, client.appId) };
}

async function* entriesOf(
  bill: AlipayTradeBill,
  appId: string,
): AsyncGenerator<StatementEntry, void, undefined> {
  for (const row of bill.rows) yield* rowEntries(row, appId);
  for (const row of bill.unreadable) {
    yield {
      kind: "unreadable",
      source: "trade",
      line: row.line,
      problem: row.problem,
      outTradeNo: row.outTradeNo,
      outRefundNo: row.outRequestNo,
    };
  }
  if (bill.footer) yield* totalsOf(bill);
}

function* rowEntries(row: AlipayBillRow, appId: string): Generator<StatementEntry> {
  // 服务费 is written as Alipay's movement: negative when taken, positive when given back.
  const feeFen = -row.serviceFeeFen;
  if (row.kind === "交易") {
    yield {
      kind: "payment",
      appId,
      outTradeNo: row.outTradeNo,
      transactionId: row.tradeNo,
      amountFen: toFen(row.amountFen),
      status: "paid",
      feeMilliFen: feeFen * 1000,
      at: row.completedAt,
    };
    yield {
      kind: "fee",
      reference: row.outTradeNo,
      movementId: row.tradeNo,
      amountFen: feeFen,
      at: row.completedAt,
    };
    return;
  }
  if (row.kind === "退款" && row.outRequestNo !== "") {
    const refundId = alipayRefundId(row.tradeNo, row.outRequestNo);
    yield {
      kind: "refund",
      appId,
      outTradeNo: row.outTradeNo,
      outRefundNo: row.outRequestNo,
      refundId,
      amountFen: toFen(-row.amountFen),
      // A.5: a refund in the bill has moved the money; Alipay's refunds do not settle later.
      status: "succeeded",
      feeMilliFen: feeFen * 1000,
      at: row.completedAt,
    };
    yield {
      kind: "fee",
      reference: row.outRequestNo,
      movementId: refundId,
      amountFen: feeFen,
      at: row.completedAt,
    };
    return;
  }
  yield {
    kind: "unreadable",
    source: "trade",
    line: row.line,
    problem:
      row.kind === "退款"
        ? "a refund (退款) without 退款批次号: Kassa always refunds with an out_request_no"
        : `业务类型 ${JSON.stringify(row.kind)} is neither a payment (交易) nor a refund (退款)`,
    outTradeNo: row.outTradeNo,
    outRefundNo: undefined,
  };
}

/**
 * The footer counts the rows and adds them up as Alipay booked them (商家实收, 服务费). It
 * gives no separate totals of payments and refunds: those are the rows', once the footer's
 * net and fee agree with them; when they do not, the footer is reported as unreadable.
 */
function* totalsOf(bill: AlipayTradeBill): Generator<StatementEntry> {
  const footer = bill.footer;
  if (!footer) return;
  const paymentsFen = sum(bill.rows.filter((row) => row.kind === "交易"));
  const refundsFen = -sum(bill.rows.filter((row) => row.kind === "退款"));
  const feeFen = -bill.rows.reduce((total, row) => total + row.serviceFeeFen, 0);
  if (paymentsFen - refundsFen !== footer.netFen || feeFen !== -footer.serviceFeeFen) {
    yield {
      kind: "unreadable",
      source: "trade",
      line: 0,
      problem: `the bill's footer says 商家实收 ${footer.netFen} fen and 服务费 ${footer.serviceFeeFen} fen; its rows add up to ${paymentsFen - refundsFen} and ${-feeFen}`,
      outTradeNo: undefined,
      outRefundNo: undefined,
    };
  }
  yield {
    kind: "totals",
    rows: footer.payments + footer.refunds,
    paymentsFen,
    refundsFen,
    feeMilliFen: feeFen * 1000,
  };
}

function sum(rows: AlipayBillRow[]): number {
  return rows.reduce((total, row) => total + row.amountFen, 0);
}
