import { type ChannelEvent, ChannelNotificationRejected } from "../channels/payment-channel.ts";
import type { ExternalChannelName } from "../domain/payment.ts";
import type { RegisteredApp } from "./app-registry.ts";
import { type ApplyOutcome, applyPayment } from "./apply-payment.ts";
import { applyRefundState, type RefundApplyOutcome } from "./apply-refund-state.ts";
import type { AppDeps } from "./deps.ts";
import type { RefusalCounter } from "./refusal-counter.ts";

/**
 * What became of one notification: `accepted` is the answer to the channel; `subject` and
 * `outcome` are what /metrics counts (`refused`: it failed verification, the reason is in
 * the log and in kassa_channel_error_codes_total).
 */
export interface NotificationAnswer {
  accepted: boolean;
  subject: "payment" | "refund" | "other" | "unverified";
  outcome: ApplyOutcome | RefundApplyOutcome | "ignored" | "refused";
}

/**
 * Step 5 of product.md: verify and decrypt (the channel adapter, over the raw bytes), check,
 * and apply exactly once. "Not accepted" makes WeChat Pay deliver again later (§4.5, §4.6):
 * right for a forgery or probe (a genuine notification will come with a valid signature)
 * and for a refused amount (it stays refused, and each delivery is on the alert record).
 * Refusals are logged through `refusals`, so forgeries sent by the thousand write a few
 * summary lines, not a line each.
 */
export async function handleNotification(
  deps: AppDeps,
  /** The app and channel whose notify URL was called: that merchant account's keys verify it. */
  app: RegisteredApp,
  channel: ExternalChannelName,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  rawBody: Buffer,
  refusals: RefusalCounter,
): Promise<NotificationAnswer> {
  let event: ChannelEvent;
  try {
    event = await deps.apps.paymentChannel(app.id, channel).parseNotification(headers, rawBody);
  } catch (error) {
    if (!(error instanceof ChannelNotificationRejected)) throw error;
    const line = refusals.count(error.reason);
    const since = line?.summary ? " since the last line" : "";
    // Probes are WeChat Pay checking that we verify (§3.5): expected, so no alarm noise.
    if (line && error.probe) deps.log.info({ ...line, probe: true }, `signature probe refused${since}`);
    else if (line) deps.log.warn({ ...line }, `notification refused${since}`);
    return { accepted: false, subject: "unverified", outcome: "refused" };
  }
  // REFUND.SUCCESS / CLOSED / ABNORMAL (§4.4): refunds Kassa made move; others are logged.
  if ("refund" in event) {
    const outcome = await applyRefundState(deps, event.refund, {
      kind: "notification",
      appId: app.id,
      notificationId: event.notificationId,
      eventType: event.eventType,
      merchantId: event.merchantId,
    });
    const fields = { notificationId: event.notificationId, outRefundNo: event.refund.outRefundNo, outcome };
    // A refund made outside Kassa (on the merchant platform) has nothing here to move.
    if (outcome === "unknown_refund")
      deps.log.info(fields, "notification not acted on: a refund Kassa did not make");
    else deps.log.info(fields, "refund notification handled");
    return { accepted: outcome !== "mismatch_refused", subject: "refund", outcome };
  }
  if (event.kind !== "payment_succeeded") {
    deps.log.info({ notificationId: event.notificationId, ...notNeeded(event) }, "notification not acted on");
    return { accepted: true, subject: "other", outcome: "ignored" };
  }
  const outcome = await applyPayment(deps, event.payment, {
    kind: "notification",
    appId: app.id,
    notificationId: event.notificationId,
    eventType: event.eventType,
  });
  deps.log.info({ notificationId: event.notificationId, outcome }, "payment notification handled");
  // A refused amount stays refused; each delivery is on the alert record.
  return { accepted: outcome !== "mismatch_refused", subject: "payment", outcome };
}

/**
 * Events that are verified but need nothing from Kassa; accepted, so the channel stops
 * sending them (§4.5), and logged. A closed payment is learnt by query before Kassa closes an
 * order (close-order.ts), so the word alone changes nothing.
 */
function notNeeded(
  event: Extract<ChannelEvent, { kind: "payment_closed" | "ignored" }>,
): Record<string, unknown> {
  switch (event.kind) {
    case "payment_closed":
      return { eventType: event.eventType, outTradeNo: event.outTradeNo };
    case "ignored":
      return { eventType: event.eventType, reason: event.reason };
  }
}
