import type { Fen } from "../domain/money.ts";
import { rejected } from "./fake-refusal.ts";
import type {
  ChannelRefund,
  ChannelRefundState,
  ChannelRefundStatus,
  RefundInput,
} from "./payment-channel.ts";

/** A refund's life at the fake: processing until settled; abnormal waits for a second outcome. */
const REFUND_MOVES: Readonly<Record<ChannelRefundStatus, readonly ChannelRefundStatus[]>> = {
  processing: ["succeeded", "closed", "abnormal"],
  abnormal: ["succeeded", "closed"],
  succeeded: [],
  closed: [],
};

export interface FakeRefund extends ChannelRefund {
  createdAt: number;
  notifyUrl: string;
}

/**
 * The fake channel's refunds: the same out_refund_no refunds once (a repeat with the same
 * payment and amount answers the same refund), only a paid payment refunds, the refunds
 * that are not closed never add up to more than was paid.
 */
export class FakeRefunds {
  readonly #refunds = new Map<string, FakeRefund>();

  create(
    input: RefundInput,
    paidFen: Fen | undefined,
    made: { now: number; refundId: string },
  ): ChannelRefund {
    const known = this.#refunds.get(input.outRefundNo);
    if (known) {
      if (known.outTradeNo === input.outTradeNo && known.amountFen === input.amountFen) return view(known);
      throw rejected("OUT_REFUND_NO_USED", `${input.outRefundNo} was used for another refund`);
    }
    if (paidFen === undefined) throw rejected("NOT_REFUNDABLE", `${input.outTradeNo} is not paid`);
    if (input.paidFen !== paidFen)
      throw rejected(
        "PAID_AMOUNT_MISMATCH",
        `${input.outTradeNo} was paid ${paidFen} fen, not ${input.paidFen}`,
      );
    const refunded = this.all()
      .filter((refund) => refund.outTradeNo === input.outTradeNo && refund.status !== "closed")
      .reduce((sum, refund) => sum + refund.amountFen, 0);
    if (input.amountFen < 1 || refunded + input.amountFen > paidFen)
      throw rejected(
        "AMOUNT_EXCEEDS_REFUNDABLE",
        `${paidFen - refunded} fen of ${input.outTradeNo} can be refunded`,
      );
    const refund: FakeRefund = {
      outRefundNo: input.outRefundNo,
      outTradeNo: input.outTradeNo,
      refundId: made.refundId,
      amountFen: input.amountFen,
      status: "processing",
      succeededAt: undefined,
      createdAt: made.now,
      notifyUrl: input.notifyUrl,
    };
    this.#refunds.set(input.outRefundNo, refund);
    return view(refund);
  }

  find(outRefundNo: string): ChannelRefundState {
    const refund = this.#refunds.get(outRefundNo);
    return refund ? { state: "found", refund: view(refund) } : { state: "not_found" };
  }

  settle(
    outRefundNo: string,
    outcome: ChannelRefundStatus,
    now: number,
  ): { refund: ChannelRefund; notifyUrl: string } {
    const refund = this.#refunds.get(outRefundNo);
    if (!refund || !REFUND_MOVES[refund.status].includes(outcome))
      throw new Error(`fake channel: refund ${outRefundNo} cannot become ${outcome}`);
    refund.status = outcome;
    if (outcome === "succeeded") refund.succeededAt = now;
    return { refund: view(refund), notifyUrl: refund.notifyUrl };
  }

  all(): FakeRefund[] {
    return [...this.#refunds.values()];
  }
}

/** What the port answers: the refund without the fake's bookkeeping, and a copy. */
function view(refund: FakeRefund): ChannelRefund {
  const { createdAt: _createdAt, notifyUrl: _notifyUrl, ...answer } = refund;
  return answer;
}
