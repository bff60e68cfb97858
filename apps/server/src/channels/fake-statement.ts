import type { FakePayment } from "./fake-channel.ts";
import type { FakeRefund } from "./fake-refunds.ts";
import { rejected } from "./fake-refusal.ts";
import type { ChannelStatement, StatementRow } from "./statement.ts";

const DAY_MS = 24 * 3600_000;
const BEIJING_OFFSET_MS = 8 * 3600_000;

/**
 * The fake's statement of a Beijing-time day: published `readyDelayMs` after the day ends
 * (negative: before), listing the payments paid and the refunds applied for that day.
 */
export function fakeStatement(
  day: string,
  now: number,
  readyDelayMs: number,
  records: { payments: FakePayment[]; refunds: FakeRefund[] },
): ChannelStatement {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw rejected("DAY_INVALID", `"${day}" is not YYYY-MM-DD`);
  const start = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) - BEIJING_OFFSET_MS;
  const end = start + DAY_MS;
  if (now < start) throw rejected("DAY_NOT_BEGUN", `${day} has not begun`);
  if (now < end + readyDelayMs) return { status: "not_ready" };
  const inDay = (at: number | undefined) => at !== undefined && at >= start && at < end;
  const rows: StatementRow[] = [];
  for (const payment of records.payments) {
    if (!inDay(payment.paidAt) || !payment.transactionId || payment.paidAt === undefined) continue;
    const { outTradeNo, amountFen } = payment.input;
    rows.push({
      kind: "payment",
      outTradeNo,
      transactionId: payment.transactionId,
      amountFen,
      at: payment.paidAt,
    });
  }
  for (const refund of records.refunds) {
    if (!inDay(refund.createdAt)) continue;
    const { outTradeNo, outRefundNo, refundId, amountFen, status } = refund;
    rows.push({ kind: "refund", outTradeNo, outRefundNo, refundId, amountFen, status, at: refund.createdAt });
  }
  return { status: "ready", rows: rows.sort((a, b) => a.at - b.at) };
}
