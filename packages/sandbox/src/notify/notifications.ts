import { buildNotificationBody, parseApiV3Key } from "@kassa/wechatpay";
import type { SandboxContext } from "../context.ts";
import { SandboxError } from "../errors.ts";
import type { MerchantRecord } from "../identity/merchant-record.ts";
import { newAeadNonce, newNotificationId } from "../ids.ts";
import type { JobRecord } from "../scheduler.ts";
import { makeAttempts } from "./attempts.ts";
import {
  ATTEMPT_FAULTS,
  CREATION_FAULTS,
  NOTIFICATION_FAULT_KINDS,
  NOTIFICATION_TARGETS,
} from "./notification-faults.ts";
import type { NotificationRecord } from "./notification-record.ts";
import { nextRetryDelay } from "./retry-ladder.ts";

/**
 * The notification dispatcher (§4): events become notifications with one id and one
 * encrypted body; a `notify.deliver` job makes each attempt on the virtual clock, and a
 * failed attempt schedules the next one on the §4.6 ladder, counted from the attempt's
 * due time, until one is answered 200/204 or the 16th fails.
 */

export const NOTIFY_DELIVER_JOB = "notify.deliver";

/** §4.1 summaries, as WeChat Pay words them. */
const SUMMARIES: Readonly<Record<string, string>> = {
  "TRANSACTION.SUCCESS": "支付成功",
  "REFUND.SUCCESS": "退款成功",
  "REFUND.ABNORMAL": "退款异常",
  "REFUND.CLOSED": "退款关闭",
};

export function registerNotificationJobs(ctx: SandboxContext): void {
  ctx.faults.defineKinds(NOTIFICATION_FAULT_KINDS);
  for (const target of Object.values(NOTIFICATION_TARGETS)) ctx.faults.defineTarget(target, "notification");
  ctx.scheduler.register(NOTIFY_DELIVER_JOB, (job) => deliver(ctx, job));
}

export interface NotificationInput {
  merchant: MerchantRecord;
  eventType: string;
  originalType: "transaction" | "refund";
  outTradeNo: string;
  outRefundNo?: string;
  url: string;
  /** The plaintext resource (§4.3, §4.4); it is encrypted with the merchant's APIv3 key. */
  resource: unknown;
}

/** Record a notification and schedule its first attempt; the caller commits. */
export function createNotification(ctx: SandboxContext, input: NotificationInput): NotificationRecord {
  const ids = ctx.random.stream("ids");
  const now = ctx.clock.now();
  const id = newNotificationId(ids);
  const body = buildNotificationBody(
    parseApiV3Key(input.merchant.apiV3Key),
    {
      eventType: input.eventType,
      originalType: input.originalType,
      resource: input.resource,
      summary: SUMMARIES[input.eventType] ?? input.eventType,
      id,
      resourceNonce: newAeadNonce(ids),
    },
    now,
  );
  const record: NotificationRecord = {
    id,
    mchid: input.merchant.mchid,
    eventType: input.eventType,
    originalType: input.originalType,
    outTradeNo: input.outTradeNo,
    ...(input.outRefundNo === undefined ? {} : { outRefundNo: input.outRefundNo }),
    url: input.url,
    createdAt: now,
    resource: input.resource,
    body,
    status: "PENDING",
    attempts: [],
    scheduledAttempts: 0,
  };
  ctx.tables.notifications.set(id, record);
  const fault = ctx.faults.take(
    NOTIFICATION_TARGETS[record.originalType],
    record.mchid,
    CREATION_FAULTS,
    record,
  );
  if (fault?.fault === "notify_reorder") {
    record.status = "HELD"; // released when the merchant's next notification goes out
    scheduleAttempt(ctx, record, now + fault.holdMs);
  } else {
    scheduleAttempt(ctx, record, now + (fault?.fault === "notify_delay" ? fault.delayMs : 0));
  }
  return record;
}

/** A manual re-send (admin API): one attempt now, outside the ladder and without faults. */
export async function resendNotification(ctx: SandboxContext, id: string): Promise<NotificationRecord> {
  const record = requireNotification(ctx, id);
  const [attempt] = await makeAttempts(ctx, record, "resend");
  if (attempt?.outcome === "SUCCEEDED" && record.status !== "DELIVERED") markDelivered(ctx, record);
  await ctx.store.commit();
  return record;
}

export function requireNotification(ctx: SandboxContext, id: string): NotificationRecord {
  const record = ctx.tables.notifications.get(id);
  if (!record) throw new SandboxError("NOTIFICATION_NOT_FOUND", id);
  return record;
}

async function deliver(ctx: SandboxContext, job: JobRecord): Promise<void> {
  const record = ctx.tables.notifications.get((job.payload as { id: string }).id);
  // Delivered by a resend meanwhile, or a job replaced by an earlier release: nothing to do.
  if (!record || record.jobId !== job.id || (record.status !== "PENDING" && record.status !== "HELD")) return;
  delete record.jobId;
  delete record.nextAttemptAt;
  const wasHeld = record.status === "HELD";
  record.status = "PENDING";
  const fault = ctx.faults.take(
    NOTIFICATION_TARGETS[record.originalType],
    record.mchid,
    ATTEMPT_FAULTS,
    record,
  );
  const attempts = await makeAttempts(ctx, record, "scheduled", fault);
  record.scheduledAttempts += 1;
  if (record.status === "PENDING") {
    if (attempts.some((attempt) => attempt.outcome === "SUCCEEDED")) {
      markDelivered(ctx, record);
    } else {
      const wait = nextRetryDelay(record.scheduledAttempts);
      if (wait === undefined) record.status = "FAILED";
      else scheduleAttempt(ctx, record, job.dueAt + wait);
    }
  }
  if (!wasHeld) releaseHeld(ctx, record);
  // No commit here: the scheduler commits once its pass ends (context.ts).
}

function scheduleAttempt(ctx: SandboxContext, record: NotificationRecord, dueAt: number): void {
  if (record.jobId) ctx.scheduler.cancel(record.jobId);
  record.jobId = ctx.scheduler.schedule(NOTIFY_DELIVER_JOB, dueAt, { id: record.id }).id;
  record.nextAttemptAt = dueAt;
}

function markDelivered(ctx: SandboxContext, record: NotificationRecord): void {
  if (record.jobId) ctx.scheduler.cancel(record.jobId);
  delete record.jobId;
  delete record.nextAttemptAt;
  record.status = "DELIVERED";
  record.deliveredAt = ctx.clock.now();
}

/** `notify_reorder`: the merchant's held notifications go out right after this one. */
function releaseHeld(ctx: SandboxContext, sent: NotificationRecord): void {
  for (const other of ctx.tables.notifications.iterate()) {
    if (other.status === "HELD" && other.mchid === sent.mchid && other.id !== sent.id) {
      scheduleAttempt(ctx, other, ctx.clock.now());
    }
  }
}
