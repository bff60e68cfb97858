import { type Refund, rfc3339Beijing } from "@kassa/wechatpay";
import type { SandboxContext } from "../context.ts";
import type { RefundRecord } from "../domain/refund-record.ts";
import { toRefund } from "../domain/refund-view.ts";
import type { NotificationAttempt, NotificationRecord } from "../notify/notification-record.ts";

/** What the admin API shows of refunds and notifications: the truth Kassa's tests compare against. */

export interface RefundView {
  mchid: string;
  outRefundNo: string;
  refundId: string;
  outTradeNo: string;
  transactionId: string;
  status: RefundRecord["status"];
  /** The outcome its settlement will apply (while PROCESSING or ABNORMAL). */
  plannedOutcome: RefundRecord["plannedOutcome"];
  /** When the pending settlement is due, if one is. */
  settlesAt?: string;
  amountRefund: number;
  amountTotal: number;
  notifyUrl?: string;
  createdAt: string;
  statusChangedAt: string;
  /** Exactly what a §5.5 query answers now. */
  refund: Refund;
}

export function refundView(ctx: SandboxContext, refund: RefundRecord): RefundView {
  const job = refund.settleJobId
    ? ctx.scheduler.pending().find((pending) => pending.id === refund.settleJobId)
    : undefined;
  return {
    mchid: refund.mchid,
    outRefundNo: refund.outRefundNo,
    refundId: refund.refundId,
    outTradeNo: refund.outTradeNo,
    transactionId: refund.transactionId,
    status: refund.status,
    plannedOutcome: refund.plannedOutcome,
    ...(job ? { settlesAt: rfc3339Beijing(job.dueAt) } : {}),
    amountRefund: refund.amountRefund,
    amountTotal: refund.amountTotal,
    ...(refund.notifyUrl ? { notifyUrl: refund.notifyUrl } : {}),
    createdAt: rfc3339Beijing(refund.createdAt),
    statusChangedAt: rfc3339Beijing(refund.statusChangedAt),
    refund: toRefund(refund),
  };
}

export interface NotificationAttemptView extends NotificationAttempt {
  /** `at` in RFC 3339, Beijing time. */
  time: string;
}

export interface NotificationView {
  id: string;
  mchid: string;
  eventType: string;
  outTradeNo: string;
  outRefundNo?: string;
  url: string;
  status: NotificationRecord["status"];
  createdAt: string;
  /** Virtual epoch ms and RFC 3339 of the next attempt on the ladder, while one is pending. */
  nextAttemptAt?: number;
  nextAttemptTime?: string;
  deliveredAt?: string;
  /** The decrypted resource (§4.3, §4.4). */
  resource: unknown;
  attempts: NotificationAttemptView[];
}

export function notificationView(record: NotificationRecord): NotificationView {
  return {
    id: record.id,
    mchid: record.mchid,
    eventType: record.eventType,
    outTradeNo: record.outTradeNo,
    ...(record.outRefundNo === undefined ? {} : { outRefundNo: record.outRefundNo }),
    url: record.url,
    status: record.status,
    createdAt: rfc3339Beijing(record.createdAt),
    ...(record.nextAttemptAt === undefined
      ? {}
      : { nextAttemptAt: record.nextAttemptAt, nextAttemptTime: rfc3339Beijing(record.nextAttemptAt) }),
    ...(record.deliveredAt === undefined ? {} : { deliveredAt: rfc3339Beijing(record.deliveredAt) }),
    resource: record.resource,
    attempts: record.attempts.map((attempt) => ({ ...attempt, time: rfc3339Beijing(attempt.at) })),
  };
}
