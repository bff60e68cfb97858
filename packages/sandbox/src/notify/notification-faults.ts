import type { FaultKindDefinition } from "../faults.ts";

/**
 * What WeChat Pay's notifications do to a merchant on a bad day (issue 3, "for
 * notifications: duplicates (concurrent too), reordering, delay, drop, probes"), as fault
 * kinds of the shared registry. Rules name a target (`notify.transaction`,
 * `notify.refund`, or `*`), optionally a mchid, `times` and `probability`, like HTTP rules.
 *
 * Two moments: `notify_delay` and `notify_reorder` act once, when the notification is
 * created (they move its first attempt); the others act on each attempt they match,
 * retries included, so `times` counts attempts.
 */
export const NOTIFICATION_FAULT_KINDS: Record<string, FaultKindDefinition> = {
  notify_delay: {
    scope: "notification",
    description: "make the first attempt delayMs of VIRTUAL time late (default 3000)",
  },
  notify_reorder: {
    scope: "notification",
    description:
      "hold the notification back until the merchant's next notification has been sent, then send it (at most holdMs of virtual time, default 30000)",
  },
  notify_drop: {
    scope: "notification",
    description: "lose the attempt: nothing is sent, and it counts as failed (the ladder goes on)",
  },
  notify_duplicate: {
    scope: "notification",
    description: "send the attempt twice, one after the other, whatever the first answer",
  },
  notify_concurrent_duplicate: {
    scope: "notification",
    description: "send the attempt twice at the same moment, on two connections",
  },
  notify_probe: {
    scope: "notification",
    description: "sign the attempt with a WECHATPAY/SIGNTEST/ probe (§3.5), which must fail verification",
  },
};

export const NOTIFICATION_TARGETS = {
  transaction: "notify.transaction",
  refund: "notify.refund",
} as const;

export const CREATION_FAULTS = ["notify_delay", "notify_reorder"] as const;
export const ATTEMPT_FAULTS = [
  "notify_drop",
  "notify_duplicate",
  "notify_concurrent_duplicate",
  "notify_probe",
] as const;
