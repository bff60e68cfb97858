import { type KeyObject, sign } from "node:crypto";
import { type Fen, tryYuanToFen } from "./amounts.ts";
import { AlipayError, AlipayVerificationError } from "./errors.ts";
import { compareAscii, verifyRsa2 } from "./sign.ts";

/**
 * Asynchronous notifications (reference A.4): a form-encoded POST, every field a string.
 *
 * Verification (A.4 "Verifying the notification"): every field but `sign` and `sign_type`,
 * each URL-decoded exactly once, sorted by key in ASCII order, joined as `k=v` with `&`; the
 * Base64 `sign` is checked with SHA256withRSA under the Alipay public key (or the key of the
 * Alipay public certificate). Empty values are kept, as alipay-sdk and the Java `rsaCheckV1`
 * do (A.4 "Wrinkles": "our verifier should follow the Java SDK").
 */

export type NotificationFields = Readonly<Record<string, string>>;

/** A verified notification, typed. Amounts are integer fen, converted from Alipay's yuan strings. */
export interface AlipayNotification {
  notify_id: string;
  notify_type: string;
  notify_time: string;
  app_id: string;
  out_trade_no: string;
  trade_no: string;
  /** WAIT_BUYER_PAY, TRADE_SUCCESS, TRADE_FINISHED or TRADE_CLOSED (A.4). */
  trade_status: string | undefined;
  total_amount: Fen;
  receipt_amount: Fen | undefined;
  buyer_pay_amount: Fen | undefined;
  seller_id: string | undefined;
  buyer_id: string | undefined;
  buyer_open_id: string | undefined;
  gmt_create: string | undefined;
  gmt_payment: string | undefined;
  gmt_close: string | undefined;
  /** Refund notifications: the cumulative refunded amount, its time and the refund request number. */
  refund_fee: Fen | undefined;
  gmt_refund: string | undefined;
  out_biz_no: string | undefined;
  /** Every field as posted (decoded once), for what is not typed above. */
  fields: NotificationFields;
}

/** The string Alipay signs for a notification (A.4 steps 1-3). */
export function notificationSigningString(fields: NotificationFields): string {
  return Object.keys(fields)
    .filter((key) => key !== "sign" && key !== "sign_type")
    .sort(compareAscii)
    .map((key) => `${key}=${fields[key]}`)
    .join("&");
}

/**
 * Reads the raw `application/x-www-form-urlencoded` body: each value decoded exactly once
 * (A.4 step 2). A field posted twice is refused: which one was signed would be a guess.
 */
export function parseNotificationForm(rawBody: Buffer | string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(rawBody.toString())) {
    if (Object.hasOwn(fields, key)) {
      throw new AlipayError("NOTIFY_SHAPE_INVALID", `the field ${key} is posted twice`, {
        diagnostics: { key },
      });
    }
    fields[key] = value;
  }
  return fields;
}

/**
 * Verifies and types a notification. `input` is the raw body (decoded here, once) or the
 * fields a framework already decoded (never decoded again: alipay-sdk issue #45). Refuses
 * with NOTIFY_SIGNATURE_INVALID or NOTIFY_SHAPE_INVALID; answer anything but `success` then,
 * and Alipay delivers again (A.4 "Reply").
 */
export function verifyNotification(
  input: Buffer | string | NotificationFields,
  alipayPublicKey: KeyObject,
): AlipayNotification {
  const fields =
    typeof input === "string" || Buffer.isBuffer(input) ? parseNotificationForm(input) : { ...input };
  const signature = fields.sign;
  if (!signature)
    throw new AlipayVerificationError("NOTIFY_SIGNATURE_INVALID", "the notification has no sign");
  // A.3: RSA (SHA1withRSA) is legacy; this client only speaks RSA2.
  if (fields.sign_type !== undefined && fields.sign_type !== "RSA2") {
    throw new AlipayVerificationError(
      "NOTIFY_SIGNATURE_INVALID",
      `sign_type ${fields.sign_type} is not RSA2`,
    );
  }
  if (!verifyRsa2(notificationSigningString(fields), signature, alipayPublicKey)) {
    throw new AlipayVerificationError(
      "NOTIFY_SIGNATURE_INVALID",
      "the notification does not verify under the configured Alipay public key",
      { diagnostics: { notify_id: fields.notify_id, fieldCount: Object.keys(fields).length } },
    );
  }
  return typeNotification(fields);
}

function typeNotification(fields: Record<string, string>): AlipayNotification {
  const required = (key: string) => {
    const value = fields[key];
    if (!value) throw shapeError(`the field ${key} is missing or empty`, key);
    return value;
  };
  const optional = (key: string) => (fields[key] === "" ? undefined : fields[key]);
  const amount = (key: string) => {
    const value = optional(key);
    if (value === undefined) return undefined;
    const fen = tryYuanToFen(value);
    if (fen === undefined)
      throw shapeError(`${key} ${JSON.stringify(value.slice(0, 40))} is not a yuan amount`, key);
    return fen;
  };
  const total = amount("total_amount");
  if (total === undefined) throw shapeError("the field total_amount is missing or empty", "total_amount");
  return {
    notify_id: required("notify_id"),
    notify_type: required("notify_type"),
    notify_time: required("notify_time"),
    app_id: required("app_id"),
    out_trade_no: required("out_trade_no"),
    trade_no: required("trade_no"),
    trade_status: optional("trade_status"),
    total_amount: total,
    receipt_amount: amount("receipt_amount"),
    buyer_pay_amount: amount("buyer_pay_amount"),
    seller_id: optional("seller_id"),
    buyer_id: optional("buyer_id"),
    buyer_open_id: optional("buyer_open_id"),
    gmt_create: optional("gmt_create"),
    gmt_payment: optional("gmt_payment"),
    gmt_close: optional("gmt_close"),
    refund_fee: amount("refund_fee"),
    gmt_refund: optional("gmt_refund"),
    out_biz_no: optional("out_biz_no"),
    fields: Object.freeze(fields),
  };
}

function shapeError(detail: string, field: string): AlipayError {
  return new AlipayError("NOTIFY_SHAPE_INVALID", detail, { diagnostics: { field } });
}

/**
 * Alipay's side, for a local gateway or simulator: the `sign` of a notification's fields
 * (A.4), and the form body to post with `sign` and `sign_type=RSA2` added.
 */
export function signNotification(fields: NotificationFields, alipayPrivateKey: KeyObject): string {
  return sign("sha256", Buffer.from(notificationSigningString(fields), "utf8"), alipayPrivateKey).toString(
    "base64",
  );
}

export function signedNotificationBody(fields: NotificationFields, alipayPrivateKey: KeyObject): string {
  const signature = signNotification(fields, alipayPrivateKey);
  return new URLSearchParams({ ...fields, sign_type: "RSA2", sign: signature }).toString();
}
