import type { Executor } from "../db/executor.ts";
import { accountBalance } from "../db/ledger-repo.ts";
import { refundTotalsOf } from "../db/refunds-repo.ts";
import { heldForRefund } from "../db/wallet-repo.ts";
import { KassaError } from "../domain/errors.ts";
import { walletAccount } from "../domain/ledger.ts";
import { ledgerEntryFor } from "../domain/ledger-postings.ts";
import type { Order } from "../domain/order.ts";
import type { Payment } from "../domain/payment.ts";
import type { Refund } from "../domain/refund.ts";
import { type BookingDeps, bookEntry } from "./book-entry.ts";

/**
 * The refund rule of a top-up (issue 9 §3; docs/wallet.md "Refunding a top-up"): only what
 * is still unspent in the wallet goes back through the channel, and the bonus is forfeited
 * first. The first live refund of a top-up forfeits its whole bonus B; the cash it may return
 * is at most what the payment captured and has not reserved for other refunds, and at most
 * the wallet's balance less B. Later refunds forfeit nothing more.
 *
 * The amount (cash + bonus) leaves the wallet when the refund is recorded, into
 * `refunds:pending` (top_up_refund_requested), so the payer cannot spend it while the channel
 * works; the wallet's CHECK refuses it if a spend got there first. On SUCCESS it leaves
 * through the channel's clearing and promotions (top_up_refund); if the refund closes it goes
 * back to the wallet (top_up_refund_released).
 *
 * Called in the intent's transaction after the amount was reserved (which locks the payment's
 * refund totals row, so two first refunds cannot both think they are first).
 */
export async function holdTopUpRefund(
  deps: BookingDeps,
  trx: Executor,
  input: { order: Order; payment: Payment; refundId: string; amountFen: number; now: number },
): Promise<void> {
  const { order, payment } = input;
  const totals = await refundTotalsOf(trx, payment.id);
  if (!totals) throw new Error(`payment ${payment.id} has no refund totals after a reservation`);
  const earlier = await trx
    .selectFrom("refunds")
    .select("id")
    .where("payment_id", "=", payment.id)
    .where("status", "!=", "CLOSED")
    .executeTakeFirst();
  const forfeitedBonusFen = earlier ? 0 : order.bonusFen;
  const balance = await accountBalance(trx, order.appId, walletAccount(order.userId));
  const cashLeft = totals.capturedFen - (totals.reservedFen - input.amountFen);
  const refundableFen = Math.max(0, Math.min(cashLeft, balance - forfeitedBonusFen));
  if (input.amountFen > refundableFen)
    throw new KassaError("REFUND_AMOUNT_TOO_LARGE", { refundableFen, forfeitedBonusFen });
  const draft = ledgerEntryFor({
    rule: "top_up_refund_requested",
    refundId: input.refundId,
    userId: order.userId,
    cashFen: input.amountFen,
    forfeitedBonusFen,
  });
  await bookEntry(trx, deps, { appId: order.appId, orderId: order.id, now: input.now, ...draft });
}

/** A top-up refund's success: what its request held leaves through the channel and promotions. */
export async function bookTopUpRefund(
  deps: BookingDeps,
  trx: Executor,
  refund: Refund,
  now: number,
): Promise<void> {
  if (refund.channel === "wallet") throw new Error(`top-up refund ${refund.id} of a wallet payment`);
  const held = await heldForRefund(trx, refund.appId, refund.id);
  const draft = ledgerEntryFor({
    rule: "top_up_refund",
    refundId: refund.id,
    channel: refund.channel,
    cashFen: refund.amountFen,
    forfeitedBonusFen: held - refund.amountFen,
  });
  await bookEntry(trx, deps, { appId: refund.appId, orderId: refund.orderId, now, ...draft });
}

/** A top-up refund closed: what its request held goes back to the wallet (`wallet.credited`, book-entry.ts). */
export async function releaseTopUpRefund(
  deps: BookingDeps,
  trx: Executor,
  refund: Refund,
  userId: string,
  now: number,
): Promise<void> {
  const held = await heldForRefund(trx, refund.appId, refund.id);
  if (held === 0) return;
  const draft = ledgerEntryFor({
    rule: "top_up_refund_released",
    refundId: refund.id,
    userId,
    amountFen: held,
  });
  await bookEntry(trx, deps, { appId: refund.appId, orderId: refund.orderId, now, ...draft });
}
