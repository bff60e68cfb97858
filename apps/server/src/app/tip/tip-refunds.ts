import type { Executor } from "../../db/executor.ts";
import { accountBalance } from "../../db/ledger-repo.ts";
import { findTip } from "../../db/tips-repo.ts";
import { KassaError } from "../../domain/errors.ts";
import { tipPayableAccount } from "../../domain/ledger.ts";
import { ledgerEntryFor } from "../../domain/ledger-postings.ts";
import { isExternalChannel } from "../../domain/payment.ts";
import type { Refund } from "../../domain/refund.ts";
import { type BookingDeps, bookEntry } from "../book-entry.ts";

/**
 * The refund rule of a tip (docs/scenarios.md "Tipping"): a tip's money is owed to its
 * recipient, so a refund gives back what the recipient is still owed, no more. The amount
 * leaves the recipient's payable when the refund is recorded, into `refunds:pending`
 * (tip_refund_requested), so it cannot be paid out while the channel works; the payable's
 * CHECK refuses the refund if a payout got there first. On SUCCESS it leaves through the
 * channel's clearing, or into the wallet that paid it (tip_channel_refund, tip_wallet_refund);
 * if the refund closes it is owed to the recipient again (tip_refund_released). The same
 * three steps as a top-up's refund (top-up-refund.ts), with the payable in the wallet's place.
 *
 * Called in the intent's transaction after the amount was reserved against the payment.
 */
export async function holdTipRefund(
  deps: BookingDeps,
  trx: Executor,
  input: { orderId: string; appId: string; refundId: string; amountFen: number; now: number },
): Promise<void> {
  const recipientId = await recipientOf(trx, input.orderId);
  const payableFen = await accountBalance(trx, input.appId, tipPayableAccount(recipientId));
  if (input.amountFen > payableFen) throw new KassaError("TIP_REFUND_ABOVE_PAYABLE", { payableFen });
  const draft = ledgerEntryFor({
    rule: "tip_refund_requested",
    refundId: input.refundId,
    recipientId,
    amountFen: input.amountFen,
  });
  try {
    await bookEntry(trx, deps, { appId: input.appId, orderId: input.orderId, now: input.now, ...draft });
  } catch (error) {
    // A payout committed between the read above and this posting: the CHECK refused it.
    if (error instanceof KassaError && error.code === "WALLET_INSUFFICIENT_FUNDS")
      throw new KassaError("TIP_REFUND_ABOVE_PAYABLE", { payableFen });
    throw error;
  }
}

/** A tip refund's success: what its request held leaves through the channel, or into the wallet (`wallet.credited`). */
export async function bookTipRefund(
  deps: BookingDeps,
  trx: Executor,
  refund: Refund,
  payer: { userId: string },
  now: number,
): Promise<void> {
  const draft = ledgerEntryFor(
    isExternalChannel(refund.channel)
      ? {
          rule: "tip_channel_refund",
          refundId: refund.id,
          channel: refund.channel,
          amountFen: refund.amountFen,
        }
      : { rule: "tip_wallet_refund", refundId: refund.id, userId: payer.userId, amountFen: refund.amountFen },
  );
  await bookEntry(trx, deps, { appId: refund.appId, orderId: refund.orderId, now, ...draft });
}

/** A tip refund closed: what its request held is owed to the recipient again. */
export async function releaseTipRefund(
  deps: BookingDeps,
  trx: Executor,
  refund: Refund,
  now: number,
): Promise<void> {
  const draft = ledgerEntryFor({
    rule: "tip_refund_released",
    refundId: refund.id,
    recipientId: await recipientOf(trx, refund.orderId),
    amountFen: refund.amountFen,
  });
  await bookEntry(trx, deps, { appId: refund.appId, orderId: refund.orderId, now, ...draft });
}

async function recipientOf(trx: Executor, orderId: string): Promise<string> {
  const tip = await findTip(trx, orderId);
  if (!tip) throw new Error(`tip order ${orderId} has no tip`);
  return tip.recipientId;
}
