import { createHmac, timingSafeEqual } from "node:crypto";
import { ChannelNotificationRejected } from "./channel-error.ts";
import type { ChannelEvent, ChannelPayment, ChannelRefund, NotificationHeaders } from "./payment-channel.ts";

/**
 * The fake channel's notifications: a JSON body signed with HMAC-SHA256 under the fake's
 * own key, so a changed byte is refused as a real channel's signature check would refuse it.
 */

export interface FakeNotification {
  url: string;
  headers: Record<string, string>;
  body: Buffer;
}

type FakeEventBody =
  | { id: string; type: "payment.succeeded"; payment: ChannelPayment }
  | { id: string; type: `refund.${"succeeded" | "closed" | "abnormal"}`; refund: ChannelRefund };

const SIGNATURE_HEADER = "fake-channel-signature";

export function signFakeNotification(key: Buffer, url: string, event: FakeEventBody): FakeNotification {
  const body = Buffer.from(JSON.stringify(event));
  return { url, headers: { "content-type": "application/json", [SIGNATURE_HEADER]: sign(key, body) }, body };
}

export function parseFakeNotification(
  key: Buffer,
  headers: NotificationHeaders,
  rawBody: Buffer,
): ChannelEvent {
  const presented = headers[SIGNATURE_HEADER];
  if (typeof presented !== "string") throw new ChannelNotificationRejected("SIGNATURE_MISSING", false);
  const expected = Buffer.from(sign(key, rawBody));
  const given = Buffer.from(presented);
  if (given.length !== expected.length || !timingSafeEqual(given, expected))
    throw new ChannelNotificationRejected("SIGNATURE_INVALID", false);
  const event = JSON.parse(rawBody.toString("utf8")) as FakeEventBody;
  const base = { notificationId: event.id, eventType: event.type };
  switch (event.type) {
    case "payment.succeeded":
      return { ...base, kind: "payment_succeeded", payment: event.payment };
    case "refund.succeeded":
      return { ...base, kind: "refund_succeeded", refund: event.refund };
    case "refund.closed":
      return { ...base, kind: "refund_closed", refund: event.refund };
    case "refund.abnormal":
      return { ...base, kind: "refund_abnormal", refund: event.refund };
  }
}

function sign(key: Buffer, body: Buffer): string {
  return createHmac("sha256", key).update(body).digest("base64");
}
