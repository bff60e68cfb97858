import { ChannelNotificationRejected } from "../channels/payment-channel.ts";
import { type ApplyOutcome, applyPayment } from "./apply-payment.ts";
import type { AppDeps } from "./deps.ts";
import type { RefusalCounter } from "./refusal-counter.ts";

export type NotificationAnswer =
  | { accepted: true; outcome: ApplyOutcome | "ignored" }
  | { accepted: false; reason: string };

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
  headers: Readonly<Record<string, string | string[] | undefined>>,
  rawBody: Buffer,
  refusals: RefusalCounter,
): Promise<NotificationAnswer> {
  let event: Awaited<ReturnType<AppDeps["channel"]["parseNotification"]>>;
  try {
    event = await deps.channel.parseNotification(headers, rawBody);
  } catch (error) {
    if (!(error instanceof ChannelNotificationRejected)) throw error;
    const line = refusals.count(error.reason);
    const since = line?.summary ? " since the last line" : "";
    // Probes are WeChat Pay checking that we verify (§3.5): expected, so no alarm noise.
    if (line && error.probe) deps.log.info({ ...line, probe: true }, `signature probe refused${since}`);
    else if (line) deps.log.warn({ ...line }, `notification refused${since}`);
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
