import { ChannelNotificationRejected } from "../channels/payment-channel.ts";
import { type ApplyOutcome, applyPayment } from "./apply-payment.ts";
import type { AppDeps } from "./deps.ts";

export type NotificationAnswer =
  | { accepted: true; outcome: ApplyOutcome | "ignored" }
  | { accepted: false; reason: string };

/**
 * Step 5 of product.md: verify and decrypt (the channel adapter, over the raw bytes), check,
 * and apply exactly once. "Not accepted" makes WeChat Pay deliver again later (§4.5, §4.6):
 * right for a forgery or probe (a genuine notification will come with a valid signature)
 * and for a refused amount (it stays refused, and each delivery is on the alert record).
 */
export async function handleNotification(
  deps: AppDeps,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  rawBody: Buffer,
): Promise<NotificationAnswer> {
  let event: Awaited<ReturnType<AppDeps["channel"]["parseNotification"]>>;
  try {
    event = await deps.channel.parseNotification(headers, rawBody);
  } catch (error) {
    if (!(error instanceof ChannelNotificationRejected)) throw error;
    // Probes are WeChat Pay checking that we verify (§3.5): expected, so no alarm noise.
    if (error.probe) deps.log.info({ reason: error.reason, probe: true }, "signature probe refused");
    else deps.log.warn({ reason: error.reason }, "notification refused");
    return { accepted: false, reason: error.reason };
  }
  if (event.kind === "ignored") {
    deps.log.info(
      { notificationId: event.notificationId, eventType: event.eventType },
      "notification ignored",
    );
    return { accepted: true, outcome: "ignored" };
  }
  const outcome = await applyPayment(deps, event.payment, {
    kind: "notification",
    notificationId: event.notificationId,
    eventType: event.eventType,
  });
  deps.log.info({ notificationId: event.notificationId, outcome }, "payment notification handled");
  if (outcome === "mismatch_refused") return { accepted: false, reason: "payment does not match the order" };
  return { accepted: true, outcome };
}
