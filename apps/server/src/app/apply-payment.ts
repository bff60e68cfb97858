import type { ChannelPayment } from "../channels/payment-channel.ts";
import { crashPoint } from "../crash-point.ts";
import { appendOutboxEvent, recordNotification } from "../db/events-repo.ts";
import type { Executor } from "../db/executor.ts";
import { findPaymentByOutTradeNo } from "../db/payments-repo.ts";
import { inTransaction } from "../db/transaction.ts";
import { makeId } from "../domain/ids.ts";
import { isExternalChannel, type Payment, transitionPayment } from "../domain/payment.ts";
import { raiseAlert } from "./alerting/raise-alert.ts";
import type { AppDeps } from "./deps.ts";
import { movePaymentAndOrder } from "./move-payment.ts";
import { orderSnapshot } from "./order-snapshot.ts";

/** Where the word "paid" came from. */
export type PaymentSource =
  /** `appId`: the app whose notify URL it came to, whose merchant's keys verified it. */
  | { kind: "notification"; appId: string; notificationId: string; eventType: string }
  | { kind: "query"; reason: string };

export type ApplyOutcome =
  | "applied"
  | "already_paid"
  | "duplicate_notification"
  | "unknown_order"
  | "mismatch_refused";

/**
 * Apply the channel's word that a payment was made, exactly once (product.md step 5): the
 * checks (appid, mchid, amount) come first and change nothing when they fail; then, in one
 * transaction, the notification id is recorded, the payment and its order move to PAID by
 * compare-and-set, and the `order.paid` outbox event is written. A duplicate, a concurrent
 * delivery or a query that lost the race finds the payment PAID and writes nothing more.
 */
export async function applyPayment(
  deps: AppDeps,
  reported: ChannelPayment,
  source: PaymentSource,
): Promise<ApplyOutcome> {
  const payment = await findPaymentByOutTradeNo(deps.db, reported.outTradeNo);
  if (!payment) {
    // No order, so no app Kassa can trust: the notification's own appid may be forged.
    await alert(deps, deps.db, "payment_for_unknown_order", reported.outTradeNo, undefined, {
      source,
      payment: summary(reported),
    });
    return "unknown_order";
  }
  const mismatch = mismatchOf(deps, reported, payment, source);
  if (mismatch) {
    await alert(deps, deps.db, mismatch, payment.orderId, payment.appId, {
      source,
      expectedFen: payment.amountFen,
      payment: summary(reported),
    });
    return "mismatch_refused";
  }
  return inTransaction(deps.db, async (trx) => {
    if (source.kind === "notification") {
      const first = await recordNotification(trx, {
        notificationId: source.notificationId,
        channel: payment.channel,
        eventType: source.eventType,
        outTradeNo: reported.outTradeNo,
        outcome: "received",
        now: deps.clock.now(),
      });
      if (!first) return "duplicate_notification";
    }
    // The move is a compare-and-set on the status read: if a close moved the payment since,
    // it changes nothing, and the payment is read again inside the transaction.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const current = attempt === 0 ? payment : await findPaymentByOutTradeNo(trx, reported.outTradeNo);
      if (!current || !transitionPayment(current.status, "paid").ok) return "already_paid";
      const now = deps.clock.now();
      const moved = await movePaymentAndOrder(trx, {
        payment: current,
        event: "paid",
        now,
        deps,
        facts: {
          transactionId: reported.transactionId,
          bankType: reported.bankType ?? null,
          paidAt: reported.paidAt,
        },
      });
      if (!moved) continue;
      if (current.status === "CLOSED") {
        // Money moved after we had closed and released the stock: the payment stands (the
        // channel is the truth), and an operator decides between fulfilling and refunding.
        await alert(deps, trx, "paid_after_close", current.orderId, current.appId, {
          source,
          payment: summary(reported),
        });
      }
      await appendOutboxEvent(trx, {
        id: makeId("event", deps.ids),
        appId: current.appId,
        type: "order.paid",
        aggregateId: current.orderId,
        payload: {
          orderId: current.orderId,
          paymentId: current.id,
          amountFen: current.amountFen,
          transactionId: reported.transactionId,
          channel: current.channel,
          order: await orderSnapshot(trx, current.orderId),
        },
        now,
      });
      crashPoint("notify.before-commit");
      return "applied";
    }
    throw new Error(`payment ${payment.id} kept changing while applying it`);
  });
}

/**
 * The reported payment must be the stored payment's, word for word: made under its app's
 * appid and its merchant's mchid (§4.3), told to that app's notify URL, for its amount.
 */
function mismatchOf(
  deps: AppDeps,
  reported: ChannelPayment,
  stored: Payment,
  source: PaymentSource,
): string | undefined {
  if (!isExternalChannel(stored.channel)) return "payment_merchant_mismatch"; // a wallet payment is never reported
  const account = deps.apps.account(stored.appId, stored.channel);
  if (reported.appId !== account.appId || reported.merchantId !== account.merchantId)
    return "payment_merchant_mismatch";
  if (source.kind === "notification" && source.appId !== stored.appId) return "payment_merchant_mismatch";
  if (reported.amountFen !== stored.amountFen) return "payment_amount_mismatch";
  return undefined;
}

async function alert(
  deps: AppDeps,
  db: Executor,
  kind: string,
  subjectId: string,
  appId: string | undefined,
  detail: Record<string, unknown>,
) {
  await raiseAlert(deps, db, { kind, subjectId, appId, detail });
}

/** What an alert keeps of a payment: no openid (PIPL: the minimum). */
function summary(payment: ChannelPayment) {
  return {
    outTradeNo: payment.outTradeNo,
    transactionId: payment.transactionId,
    amountFen: payment.amountFen,
    // Stored alert details keep the keys they were written with.
    appid: payment.appId,
    mchid: payment.merchantId,
  };
}
