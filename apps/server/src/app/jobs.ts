import type { Executor } from "../db/executor.ts";
import { scheduleJob } from "../db/jobs-repo.ts";
import { makeId } from "../domain/ids.ts";
import type { ExternalChannelName } from "../domain/payment.ts";
import type { AppDeps } from "./deps.ts";

/**
 * Every job kind, with its payload's type and its dedupe key: one registry (issue 8 §4).
 * The worker's handlers (jobs/worker.ts) are keyed by it, so a kind without a handler, or a
 * handler for a kind not here, does not compile. Use cases schedule through the helpers
 * below, never with a bare string.
 */
export interface JobPayloads {
  /** Query-back while a payment is pending (reference §4.6: notifications may never come). */
  "order.query": { orderId: string };
  /** Close at time_expire, and retry a close that did not finish. */
  "order.expire": { orderId: string };
  /** Close at the channel a payment already CLOSED here, whose late prepay landed. */
  "order.close_again": { orderId: string };
  /** Delete expired sessions, a bounded batch per run; reschedules itself. */
  "session.sweep": Record<string, never>;
  /** Reconcile one app's day at one channel; again while the channel has not published it (§5.7). */
  "reconciliation.day": { appId: string; channel: ExternalChannelName; day: string };
  /** Every day after 10:00 Beijing time: a reconciliation.day for yesterday, per app and channel. */
  "reconciliation.schedule": Record<string, never>;
  /** Send one event to one merchant endpoint, and retry on the webhook schedule (issue 11). */
  "webhook.deliver": { deliveryId: string };
  /**
   * Query-back of a PROCESSING refund (§5.5; notifications may never come, §4.6), and the
   * retry, under the same out_refund_no, of one the channel never got (§5.4).
   */
  "refund.query": { refundId: string };
  /**
   * Refund one booking in full: of a cancelled slot (one job per booking, so a cancellation
   * that stops halfway resumes where it stopped), or paid after its seats were gone.
   */
  "booking.refund": { orderId: string };
  /** Apply the data retention (app/purge.ts), daily; reschedules itself. */
  "data.purge": Record<string, never>;
  /** Tell people about a new alert outside Kassa: the WeCom group robot (app/alerting/wecom-robot.ts). */
  "alert.notify": { alertId: string };
}

export type JobKind = keyof JobPayloads;

/**
 * At most one live job per key. Kept as the earlier code wrote them, so jobs already in a
 * database are still found and deduplicated after an upgrade.
 */
const DEDUPE_KEYS: { readonly [K in JobKind]: (payload: JobPayloads[K]) => string } = {
  "order.query": ({ orderId }) => `query:${orderId}`,
  "order.expire": ({ orderId }) => `expire:${orderId}`,
  "order.close_again": ({ orderId }) => `close_again:${orderId}`,
  "session.sweep": () => "session.sweep",
  "reconciliation.day": ({ appId, channel, day }) => `reconcile:${appId}:${channel}:${day}`,
  "reconciliation.schedule": () => "reconciliation.schedule",
  "webhook.deliver": ({ deliveryId }) => `webhook:${deliveryId}`,
  "refund.query": ({ refundId }) => `refund_query:${refundId}`,
  "booking.refund": ({ orderId }) => `booking_refund:${orderId}`,
  "data.purge": () => "data.purge",
  "alert.notify": ({ alertId }) => `alert_notify:${alertId}`,
};

export const JOB_KINDS = Object.keys(DEDUPE_KEYS) as JobKind[];

/**
 * Each queue has its own worker (compose.ts). Deliveries wait on the merchant's servers, up
 * to their timeout, so they run apart: a slow or dead receiver never delays query-back,
 * expiry or closes.
 */
export type JobQueue = "default" | "webhooks";
const QUEUES: { readonly [K in JobKind]: JobQueue } = {
  "order.query": "default",
  "order.expire": "default",
  "order.close_again": "default",
  "session.sweep": "default",
  "reconciliation.day": "default",
  "reconciliation.schedule": "default",
  "webhook.deliver": "webhooks",
  "refund.query": "default",
  "booking.refund": "default",
  "data.purge": "default",
  // An HTTP call to a third party that may be slow: beside the webhooks, never in front of query-back.
  "alert.notify": "webhooks",
};

/** The row's dedupe key and queue, for the few writers that schedule through jobs-repo directly. */
export function jobPlacement<K extends JobKind>(kind: K, payload: JobPayloads[K]) {
  return { dedupeKey: DEDUPE_KEYS[kind](payload), queue: QUEUES[kind] };
}

/** Schedule a job; scheduling a live one again keeps the earlier run time (jobs-repo.ts). */
export async function scheduleJobOf<K extends JobKind>(
  deps: Pick<AppDeps, "ids" | "clock"> & { db: Executor },
  kind: K,
  payload: JobPayloads[K],
  runAt: number,
): Promise<void> {
  await scheduleJob(deps.db, {
    id: makeId("job", deps.ids),
    kind,
    ...jobPlacement(kind, payload),
    payload,
    runAt,
    now: deps.clock.now(),
  });
}

/** Ask the channel about this order's payment in `delayMs`. */
export function scheduleOrderQuery(
  deps: Pick<AppDeps, "ids" | "clock"> & { db: Executor },
  orderId: string,
  delayMs: number,
): Promise<void> {
  return scheduleJobOf(deps, "order.query", { orderId }, deps.clock.now() + delayMs);
}

/** Close this order at `runAt` (its time_expire, or a retry of a close not finished). */
export function scheduleOrderClose(
  deps: Pick<AppDeps, "ids" | "clock"> & { db: Executor },
  orderId: string,
  runAt: number,
): Promise<void> {
  return scheduleJobOf(deps, "order.expire", { orderId }, runAt);
}

/** Ask the channel about this refund in `delayMs` (and make it there if it never got it). */
export function scheduleRefundQuery(
  deps: Pick<AppDeps, "ids" | "clock"> & { db: Executor },
  refundId: string,
  delayMs: number,
): Promise<void> {
  return scheduleJobOf(deps, "refund.query", { refundId }, deps.clock.now() + delayMs);
}
