import type { Fen } from "../domain/money.ts";
import type { ChannelRefundStatus } from "./payment-channel.ts";

/**
 * A day's statement from the channel (WeChat: the trade bill and the BASIC fund-flow bill,
 * reference §5.7), in our words, for reconciliation. A day not published yet is an expected
 * answer, not a failure: WeChat publishes a day's bills after 10:00 Beijing time the next day.
 *
 * The entries are a stream, read once: a day's bill can hold millions of rows, and memory
 * must not grow with it. The adapter has checked the whole statement (WeChat: both files'
 * SHA-1) before the first entry comes. Read it to the end or call `entries.return()`: that is
 * when the adapter lets go of what it holds (WeChat: its temporary files).
 */
export type ChannelStatement =
  | { status: "ready"; entries: AsyncGenerator<StatementEntry, void, undefined> }
  | { status: "not_ready" };

/** Which of the channel's documents an entry came from. */
export type StatementSource = "trade" | "fund_flow";

export type StatementEntry =
  | {
      kind: "payment";
      /** The app at the channel (WeChat: 公众账号ID): a merchant's statement covers all its apps. */
      appId: string;
      outTradeNo: string;
      transactionId: string;
      amountFen: Fen;
      /** `revoked`: the channel took the payment back (WeChat: 交易状态 REVOKED). */
      status: "paid" | "revoked";
      /** The channel's fee as its statement computes it, in 1/1000 fen (WeChat: 手续费, 5 decimals). */
      feeMilliFen: number;
      /** Epoch ms of the payment. */
      at: number;
    }
  | {
      kind: "refund";
      appId: string;
      outTradeNo: string;
      outRefundNo: string;
      refundId: string;
      amountFen: Fen;
      status: ChannelRefundStatus;
      /** Negative: the part of the fee given back with the refund. */
      feeMilliFen: number;
      /** Epoch ms the refund was applied for. */
      at: number;
    }
  | {
      /** A fee the channel took (positive) or gave back (negative), in whole fen, as booked. */
      kind: "fee";
      /** The payment or the refund it was for (WeChat: 业务凭证号). */
      reference: string;
      /** The channel's id of the movement (WeChat: 资金流水单号). */
      movementId: string;
      amountFen: number;
      at: number;
    }
  | {
      /** A row the adapter could not read: reported, so that one row never stops the day. */
      kind: "unreadable";
      source: StatementSource;
      line: number;
      problem: string;
      outTradeNo: string | undefined;
      outRefundNo: string | undefined;
    }
  | {
      /** What the channel says its trade document adds up to (WeChat: the summary row). */
      kind: "totals";
      rows: number;
      paymentsFen: number;
      refundsFen: number;
      feeMilliFen: number;
    };

/** Every entry of a statement, for tests and small days; reconciliation streams instead. */
export async function allEntries(statement: ChannelStatement): Promise<StatementEntry[]> {
  if (statement.status !== "ready") return [];
  const entries: StatementEntry[] = [];
  for await (const entry of statement.entries) entries.push(entry);
  return entries;
}
