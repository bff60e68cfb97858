import type { FakePayment } from "./fake-channel.ts";
import type { FakeRefund } from "./fake-refunds.ts";
import { rejected } from "./fake-refusal.ts";
import type { ChannelStatement, StatementEntry } from "./statement.ts";

const DAY_MS = 24 * 3600_000;
const BEIJING_OFFSET_MS = 8 * 3600_000;
/** The fake's fee: 0.60% of the amount, as WeChat Pay charges mini-program payments. */
const FEE_RATE_PPM = 6000;

/**
 * The fake's statement of a Beijing-time day: published `readyDelayMs` after the day ends
 * (negative: before), listing the payments paid and the refunds applied for that day, the
 * fees taken on those payments and given back on the refunds that succeeded that day, and
 * the totals.
 */
export function fakeStatement(
  day: string,
  now: number,
  readyDelayMs: number,
  records: { appId: string; payments: FakePayment[]; refunds: FakeRefund[] },
): ChannelStatement {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw rejected("DAY_INVALID", `"${day}" is not YYYY-MM-DD`);
  const start = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) - BEIJING_OFFSET_MS;
  const end = start + DAY_MS;
  if (now < start) throw rejected("DAY_NOT_BEGUN", `${day} has not begun`);
  if (now < end + readyDelayMs) return { status: "not_ready" };
  const inDay = (at: number | undefined) => at !== undefined && at >= start && at < end;
  const trade: StatementEntry[] = [];
  const fees: StatementEntry[] = [];
  for (const payment of records.payments) {
    if (!inDay(payment.paidAt) || !payment.transactionId || payment.paidAt === undefined) continue;
    const { outTradeNo, amountFen } = payment.input;
    const feeMilliFen = feeMilliFenOf(amountFen);
    const { transactionId, paidAt: at } = payment;
    trade.push({
      kind: "payment",
      appId: records.appId,
      outTradeNo,
      transactionId,
      amountFen,
      status: "paid",
      feeMilliFen,
      at,
    });
    fees.push({
      kind: "fee",
      reference: outTradeNo,
      movementId: `${transactionId}02`,
      amountFen: fenOf(feeMilliFen),
      at,
    });
  }
  for (const refund of records.refunds) {
    const { outTradeNo, outRefundNo, refundId, amountFen, status } = refund;
    const feeMilliFen = -feeMilliFenOf(amountFen);
    if (inDay(refund.createdAt)) {
      trade.push({
        kind: "refund",
        appId: records.appId,
        outTradeNo,
        outRefundNo,
        refundId,
        amountFen,
        status,
        feeMilliFen,
        at: refund.createdAt,
      });
    }
    if (status === "succeeded" && inDay(refund.succeededAt) && refund.succeededAt !== undefined) {
      const amount = -fenOf(-feeMilliFen);
      if (amount !== 0)
        fees.push({
          kind: "fee",
          reference: outRefundNo,
          movementId: `${refundId}2`,
          amountFen: amount,
          at: refund.succeededAt,
        });
    }
  }
  trade.sort((a, b) => atOf(a) - atOf(b));
  const sum = (pick: (entry: StatementEntry) => number) =>
    trade.reduce((total, entry) => total + pick(entry), 0);
  const totals: StatementEntry = {
    kind: "totals",
    rows: trade.length,
    paymentsFen: sum((entry) => (entry.kind === "payment" ? entry.amountFen : 0)),
    refundsFen: sum((entry) => (entry.kind === "refund" ? entry.amountFen : 0)),
    feeMilliFen: sum((entry) =>
      entry.kind === "payment" || entry.kind === "refund" ? entry.feeMilliFen : 0,
    ),
  };
  const entries = trade.length === 0 ? fees : [...trade, totals, ...fees];
  return {
    status: "ready",
    entries: (async function* () {
      yield* entries;
    })(),
  };
}

/** 1/1000 fen, half up, like WeChat's 5-decimal 手续费. */
function feeMilliFenOf(fen: number): number {
  return Math.floor((fen * FEE_RATE_PPM + 500) / 1000);
}

/** The fee in whole fen, half up, as the fund flow books it. */
function fenOf(milliFen: number): number {
  return Math.floor((milliFen + 500) / 1000);
}

function atOf(entry: StatementEntry): number {
  return "at" in entry ? entry.at : 0;
}
