/**
 * A notification (§4) as the simulator keeps it: one business event, one id (§4.1: the
 * same on every retry, so a merchant de-duplicates on it), one encrypted body built once,
 * and every attempt to deliver it.
 */

export type NotificationStatus =
  /** Waiting for its next attempt (the first, or a retry on the §4.6 ladder). */
  | "PENDING"
  /** Held back by a `notify_reorder` fault until a later notification of the merchant goes out. */
  | "HELD"
  /** An attempt was answered 200/204 within the time limit (§4.5). */
  | "DELIVERED"
  /** All 16 attempts (the first and 15 retries) failed: WeChat Pay gives up (§4.6). */
  | "FAILED";

export interface NotificationAttempt {
  /** 1-based, in the order attempts started. */
  number: number;
  /** Why it was made: its turn on the ladder, a resend through the admin API, or a duplicate fault. */
  trigger: "scheduled" | "resend" | "duplicate";
  /** Virtual time the attempt was made at. */
  at: number;
  /** The HTTP status, when an answer came. */
  status?: number;
  /** Real milliseconds from sending to the end of the answer (or the failure). */
  latencyMs: number;
  /** The start of the answer's body, at most 256 characters. */
  responseExcerpt: string;
  /** Why it failed, when it did: a network error, the timeout, a status other than 200/204, a fault. */
  error?: string;
  /** IN_FLIGHT while the POST is on its way (visible to the admin API meanwhile). */
  outcome: "SUCCEEDED" | "FAILED" | "IN_FLIGHT";
  /** `probe` when the signature was a `WECHATPAY/SIGNTEST/` probe (§3.5). */
  signature: "valid" | "probe";
  /** The Wechatpay-Serial it was signed under. */
  serial: string;
}

export interface NotificationRecord {
  /** §4.1 `id`. */
  id: string;
  mchid: string;
  eventType: string;
  originalType: "transaction" | "refund";
  outTradeNo: string;
  outRefundNo?: string;
  url: string;
  createdAt: number;
  /** The decrypted resource (§4.3, §4.4), for inspection. */
  resource: unknown;
  /** The exact JSON body sent on every attempt, its resource encrypted (§4.1, §4.2). */
  body: string;
  status: NotificationStatus;
  attempts: NotificationAttempt[];
  /** Attempts made on the ladder so far (resends and duplicates do not count). */
  scheduledAttempts: number;
  /** The pending `notify.deliver` job and when it is due. */
  jobId?: string;
  nextAttemptAt?: number;
  deliveredAt?: number;
}
