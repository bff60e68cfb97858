import { beijingTimestamp, fenToYuan } from "@kassa/alipay";
import type { SandboxContext } from "../context.ts";
import { postNotification } from "../notify/delivery.ts";
import type { JobRecord } from "../scheduler.ts";
import {
  ALIPAY_ATTEMPT_FAULTS,
  ALIPAY_CREATION_FAULTS,
  ALIPAY_NOTIFICATION_FAULT_KINDS,
  ALIPAY_NOTIFY_TARGET,
  attemptBody,
} from "./notification-faults.ts";
import {
  type AlipayNotificationRecord,
  type AlipayNotifyAttempt,
  type AlipayTradeRecord,
  alipayTables,
} from "./records.ts";

/**
 * Payment notifications (reference A.4, A.8 item 5): a form POST `notify_type=trade_status_sync`,
 * signed with the app's Alipay key, to the trade's notify_url (else the app's). Received means
 * HTTP 200 with a body of exactly `success`; otherwise it goes again after 4m, 10m, 10m, 1h,
 * 2h, 6h, 15h (8 notifications in about 25 h), each wait counted from the attempt before.
 * Its own ladder and judge beside WeChat Pay's (notify/): only the HTTP POST is shared.
 */

export const ALIPAY_NOTIFY_JOB = "alipay.notify.deliver";
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const ALIPAY_RETRY_LADDER_MS: readonly number[] = [
  4 * MINUTE,
  10 * MINUTE,
  10 * MINUTE,
  1 * HOUR,
  2 * HOUR,
  6 * HOUR,
  15 * HOUR,
];

export function registerAlipayNotificationJobs(ctx: SandboxContext): void {
  ctx.faults.defineKinds(ALIPAY_NOTIFICATION_FAULT_KINDS);
  ctx.faults.defineTarget(ALIPAY_NOTIFY_TARGET, "notification");
  ctx.scheduler.register(ALIPAY_NOTIFY_JOB, (job) => deliver(ctx, job));
}

/** Record TRADE_SUCCESS's notification and schedule its first attempt now; the caller commits. */
export function createTradeNotification(
  ctx: SandboxContext,
  trade: AlipayTradeRecord,
): AlipayNotificationRecord {
  const tables = alipayTables(ctx);
  const app = tables.apps.get(trade.appId);
  if (!app) throw new Error(`trade ${trade.tradeNo} names unknown app ${trade.appId}`);
  const notifyId = ctx.random.stream("ids").hex(34);
  const total = fenToYuan(trade.totalFen);
  const optional = (key: string, value: string | undefined) => (value ? { [key]: value } : {});
  // A.4 "Wrinkles": implementations differ on empty values, so none is ever sent.
  const fields: Record<string, string> = {
    notify_type: "trade_status_sync",
    notify_id: notifyId,
    app_id: trade.appId,
    auth_app_id: trade.appId,
    charset: "utf-8",
    version: "1.0",
    trade_no: trade.tradeNo,
    out_trade_no: trade.outTradeNo,
    ...optional("buyer_id", trade.buyerId),
    ...optional("buyer_open_id", trade.buyerOpenId),
    buyer_logon_id: trade.buyerLogonId,
    seller_id: app.sellerId,
    trade_status: "TRADE_SUCCESS",
    total_amount: total,
    receipt_amount: total,
    invoice_amount: total,
    buyer_pay_amount: total,
    point_amount: "0.00",
    fund_bill_list: JSON.stringify([{ amount: total, fundChannel: "ALIPAYACCOUNT" }]),
    gmt_create: beijingTimestamp(trade.createdAt),
    gmt_payment: beijingTimestamp(trade.paidAt ?? ctx.clock.now()),
    subject: trade.subject,
    ...optional("body", trade.body),
    ...optional("passback_params", trade.passbackParams),
  };
  const record: AlipayNotificationRecord = {
    notifyId,
    appId: trade.appId,
    tradeNo: trade.tradeNo,
    outTradeNo: trade.outTradeNo,
    url: trade.notifyUrl ?? app.notifyUrl,
    fields,
    status: "PENDING",
    createdAt: ctx.clock.now(),
    attempts: [],
    scheduledAttempts: 0,
  };
  tables.notifications.set(notifyId, record);
  const delay = ctx.faults.take(ALIPAY_NOTIFY_TARGET, trade.appId, ALIPAY_CREATION_FAULTS, {
    outTradeNo: trade.outTradeNo,
  });
  schedule(ctx, record, ctx.clock.now() + (delay ? delay.delayMs : 0));
  return record;
}

function schedule(ctx: SandboxContext, record: AlipayNotificationRecord, dueAt: number): void {
  record.jobId = ctx.scheduler.schedule(ALIPAY_NOTIFY_JOB, dueAt, { notifyId: record.notifyId }).id;
  record.nextAttemptAt = dueAt;
}

async function deliver(ctx: SandboxContext, job: JobRecord): Promise<void> {
  const tables = alipayTables(ctx);
  const record = tables.notifications.get((job.payload as { notifyId: string }).notifyId);
  if (!record || record.jobId !== job.id || record.status !== "PENDING") return;
  delete record.jobId;
  delete record.nextAttemptAt;
  const app = tables.apps.get(record.appId);
  if (!app) return;
  record.scheduledAttempts += 1;
  const at = ctx.clock.now();
  const fault = ctx.faults.take(ALIPAY_NOTIFY_TARGET, record.appId, ALIPAY_ATTEMPT_FAULTS, {
    outTradeNo: record.outTradeNo,
  });
  // notify_time is the moment of this attempt; notify_id stays the same on every one (A.4).
  const fields = { notify_time: beijingTimestamp(at), ...record.fields };
  const body = attemptBody(fields, ctx.keys.privateKey(app.alipayKey.privateKeyPem), fault);
  let received: boolean;
  if (fault?.fault === "notify_drop") {
    // A.4: "network-level loss (HTTP status 0 in Alipay's logs) does happen".
    received = false;
    push(record, {
      at,
      latencyMs: 0,
      responseExcerpt: "",
      error: `dropped by fault rule ${fault.id}: never sent`,
      outcome: "FAILED",
      fault: fault.fault,
    });
  } else {
    received = await send(ctx, record, body, at, fault?.fault);
    if (fault?.fault === "notify_duplicate")
      received = (await send(ctx, record, body, at, fault.fault)) || received;
  }
  if (received) {
    record.status = "DELIVERED";
    record.deliveredAt = at;
    return;
  }
  const wait = ALIPAY_RETRY_LADDER_MS[record.scheduledAttempts - 1];
  if (wait === undefined) record.status = "FAILED";
  else schedule(ctx, record, job.dueAt + wait);
  // No commit: the scheduler commits once its pass ends (context.ts).
}

/** One POST, judged as A.4 says: HTTP 200 and exactly the 7 characters `success`. */
async function send(
  ctx: SandboxContext,
  record: AlipayNotificationRecord,
  body: string,
  at: number,
  fault: string | undefined,
): Promise<boolean> {
  const result = await postNotification(
    record.url,
    body,
    { "Content-Type": "application/x-www-form-urlencoded; charset=utf-8" },
    ctx.config.notifyTimeoutMs,
  );
  const received = result.status === 200 && result.responseExcerpt === "success";
  push(record, {
    at,
    ...(result.status === undefined ? {} : { status: result.status }),
    latencyMs: result.latencyMs,
    responseExcerpt: result.responseExcerpt,
    ...(received
      ? {}
      : {
          error:
            result.status === undefined
              ? (result.error ?? "no answer")
              : `answered ${result.status} ${JSON.stringify(result.responseExcerpt.slice(0, 40))}: only HTTP 200 with the body "success" counts (A.4)`,
        }),
    outcome: received ? "SUCCEEDED" : "FAILED",
    ...(fault === undefined ? {} : { fault }),
  });
  return received;
}

function push(record: AlipayNotificationRecord, attempt: Omit<AlipayNotifyAttempt, "number">): void {
  record.attempts.push({ number: record.attempts.length + 1, ...attempt });
}
