import { type ApiV3Key, decryptAeadAes256Gcm } from "./aead.ts";
import { NotificationError, WechatPayError } from "./errors.ts";
import type { HeaderSource } from "./headers.ts";
import type { RefundNotificationResource, Transaction } from "./types.ts";
import {
  type RefreshableVerificationKeys,
  type SignedHeaders,
  type VerificationKeys,
  verifySignedMessageWhenReady,
} from "./verify.ts";

/**
 * Notifications (reference §4): raw body in, verified and decrypted typed event out.
 * The steps follow Go's notify.Handler: verify (§3) → check the envelope → algorithm →
 * decrypt (§4.2) → check the resource's shape (§4.3, §4.4).
 */

/** §4.5: the body to send with a 4xx/5xx when a notification is refused. */
export const NOTIFICATION_FAIL_BODY = Object.freeze({ code: "FAIL", message: "失败" });

interface NotificationCommon {
  /** §4.1: unique notification id; de-duplicate on it. */
  id: string;
  createTime: string;
  summary: string;
  signed: SignedHeaders;
}

export interface TransactionNotification extends NotificationCommon {
  kind: "transaction";
  /** `TRANSACTION.SUCCESS` for JSAPI payments (the only event they send, §4.1). */
  eventType: string;
  resource: Transaction;
}

export interface RefundNotification extends NotificationCommon {
  kind: "refund";
  eventType: "REFUND.SUCCESS" | "REFUND.ABNORMAL" | "REFUND.CLOSED";
  resource: RefundNotificationResource;
}

export type WechatPayNotification = TransactionNotification | RefundNotification;

export interface ParseNotificationOptions {
  keys: VerificationKeys | RefreshableVerificationKeys;
  apiV3Key: ApiV3Key;
  /** Our clock, epoch milliseconds. */
  now: number;
  maxSkewSeconds?: number;
}

interface Envelope {
  id: string;
  create_time: string;
  event_type: string;
  resource_type: string;
  summary?: unknown;
  resource: {
    algorithm: string;
    ciphertext: string;
    nonce: string;
    associated_data?: string;
    original_type: string;
  };
}

export async function parseNotification(
  headers: HeaderSource,
  rawBody: string | Buffer,
  options: ParseNotificationOptions,
): Promise<WechatPayNotification> {
  // §3.2 over the raw body first; the options carry `now` and `maxSkewSeconds` as they are.
  // A promise only when a certificate must be fetched: otherwise no suspension here.
  const verified = verifySignedMessageWhenReady(headers, rawBody, options.keys, options);
  const signed = verified instanceof Promise ? await verified : verified;
  const envelope = readEnvelope(rawBody);
  if (envelope.resource.algorithm !== "AEAD_AES_256_GCM") {
    throw new NotificationError("NOTIFY_ALGORITHM_UNSUPPORTED", envelope.resource.algorithm, {
      diagnostics: { notificationId: envelope.id, algorithm: envelope.resource.algorithm },
    });
  }
  let plaintext: Buffer;
  try {
    plaintext = decryptAeadAes256Gcm(options.apiV3Key, {
      nonce: envelope.resource.nonce,
      associatedData: envelope.resource.associated_data ?? "",
      ciphertext: envelope.resource.ciphertext,
    });
  } catch (error) {
    const diagnostics = error instanceof WechatPayError ? error.diagnostics : {};
    throw new NotificationError("NOTIFY_DECRYPTION_FAILED", `notification ${envelope.id}`, {
      cause: error,
      diagnostics: { ...diagnostics, notificationId: envelope.id },
    });
  }
  const resource = parseJson(plaintext.toString("utf8"), "the decrypted resource", envelope.id);
  // §4.1 documents summary; a missing one must not turn into `undefined` behind a string type.
  const summary = typeof envelope.summary === "string" ? envelope.summary : "";
  const eventType = envelope.event_type;
  if (eventType.startsWith("TRANSACTION.")) {
    const transaction = checkTransaction(resource);
    return {
      id: envelope.id,
      createTime: envelope.create_time,
      summary,
      signed,
      kind: "transaction",
      eventType,
      resource: transaction,
    };
  }
  if (isRefundEvent(eventType)) {
    const refund = checkRefund(resource);
    return {
      id: envelope.id,
      createTime: envelope.create_time,
      summary,
      signed,
      kind: "refund",
      eventType,
      resource: refund,
    };
  }
  throw shapeError(`event_type ${eventType} is neither a payment nor a refund event`, envelope.id);
}

function isRefundEvent(eventType: string): eventType is RefundNotification["eventType"] {
  return eventType === "REFUND.SUCCESS" || eventType === "REFUND.ABNORMAL" || eventType === "REFUND.CLOSED";
}

function readEnvelope(rawBody: string | Buffer): Envelope {
  const body = parseJson(
    typeof rawBody === "string" ? rawBody : rawBody.toString("utf8"),
    "the notification body",
  );
  const resource = body.resource;
  if (
    typeof body.id !== "string" ||
    typeof body.event_type !== "string" ||
    typeof body.create_time !== "string" ||
    !isRecord(resource) ||
    typeof resource.algorithm !== "string" ||
    typeof resource.ciphertext !== "string" ||
    typeof resource.nonce !== "string" ||
    (resource.associated_data !== undefined && typeof resource.associated_data !== "string")
  ) {
    throw shapeError(
      "the envelope lacks id, event_type, create_time or resource{algorithm,ciphertext,nonce}",
    );
  }
  return body as unknown as Envelope;
}

/** §4.3: the fields a merchant must check before fulfilling, with amounts in integer fen. */
function checkTransaction(value: Record<string, unknown>): Transaction {
  const amount = value.amount;
  if (
    typeof value.mchid !== "string" ||
    typeof value.appid !== "string" ||
    typeof value.out_trade_no !== "string" ||
    typeof value.trade_state !== "string" ||
    !isRecord(amount) ||
    !isFen(amount.total) ||
    (amount.payer_total !== undefined && !isFen(amount.payer_total))
  ) {
    throw shapeError(
      "the transaction lacks appid, mchid, out_trade_no, trade_state or an integer fen amount.total",
    );
  }
  return value as unknown as Transaction;
}

const REFUND_STATUSES: ReadonlySet<unknown> = new Set(["SUCCESS", "CLOSED", "ABNORMAL"]);

/** §4.4: the refund object; its status field is `refund_status` (not `status`). */
function checkRefund(value: Record<string, unknown>): RefundNotificationResource {
  const amount = value.amount;
  if (
    typeof value.mchid !== "string" ||
    typeof value.out_trade_no !== "string" ||
    typeof value.transaction_id !== "string" ||
    typeof value.out_refund_no !== "string" ||
    typeof value.refund_id !== "string" ||
    !REFUND_STATUSES.has(value.refund_status) ||
    !isRecord(amount) ||
    !isFen(amount.total) ||
    !isFen(amount.refund) ||
    !isFen(amount.payer_total) ||
    !isFen(amount.payer_refund)
  ) {
    throw shapeError(
      "the refund lacks mchid, out_trade_no, transaction_id, out_refund_no, refund_id, " +
        "refund_status (SUCCESS|CLOSED|ABNORMAL) or integer fen amounts {total, refund, payer_total, payer_refund}",
    );
  }
  return value as unknown as RefundNotificationResource;
}

/** Money is integer fen, never negative (design.md convention 4). */
function isFen(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

/** `what` and the notification id are joined into the message only when the check fails. */
function parseJson(text: string, what: string, notificationId?: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw shapeError(`${what}${notificationId ? ` of ${notificationId}` : ""} is not JSON`);
  }
  if (!isRecord(value)) {
    throw shapeError(`${what}${notificationId ? ` of ${notificationId}` : ""} is not a JSON object`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function shapeError(detail: string, notificationId?: string): NotificationError {
  return new NotificationError("NOTIFY_SHAPE_INVALID", detail, {
    diagnostics: notificationId ? { notificationId } : {},
  });
}
