import type { Fen } from "../domain/money.ts";
import type { ChannelRefundStatus } from "./payment-channel.ts";

/**
 * A day's statement from the channel (WeChat: the trade bill, reference §5.7), in our
 * words, for reconciliation. A day not published yet is an expected answer, not a failure:
 * WeChat publishes a day's bill after 10:00 Beijing time the next day.
 */
export type ChannelStatement = { status: "ready"; rows: StatementRow[] } | { status: "not_ready" };

export type StatementRow =
  | {
      kind: "payment";
      outTradeNo: string;
      transactionId: string;
      amountFen: Fen;
      /** Epoch ms of the payment. */
      at: number;
    }
  | {
      kind: "refund";
      outTradeNo: string;
      outRefundNo: string;
      refundId: string;
      amountFen: Fen;
      status: ChannelRefundStatus;
      /** Epoch ms the refund was applied for. */
      at: number;
    };
