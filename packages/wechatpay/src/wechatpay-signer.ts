import { type KeyObject, randomUUID } from "node:crypto";
import { type ApiV3Key, encryptAeadAes256Gcm } from "./aead.ts";
import { createNonce } from "./nonce.ts";
import { signSha256WithRsa } from "./rsa.ts";
import { buildVerificationMessage, SIGNATURE_TYPE } from "./verify.ts";

/**
 * WeChat Pay's side of §3 and §4: sign responses and build notifications. The simulator
 * serves with these, and tests use them to make correctly signed input (design.md, the
 * stripe `generateTestHeaderString` lesson), so client and simulator share one audited
 * implementation rather than two that could drift.
 */

export interface PlatformSigner {
  /** A platform certificate serial or a `PUB_KEY_ID_...`. */
  serial: string;
  privateKey: KeyObject;
}

/**
 * A type alias, not an interface: an alias is assignable to `HeaderSource`'s index
 * signature, so the headers can be handed to verification (or to fetch) as they are.
 */
export type SignedHeaderValues = {
  "Wechatpay-Timestamp": string;
  "Wechatpay-Nonce": string;
  "Wechatpay-Signature": string;
  "Wechatpay-Serial": string;
  "Wechatpay-Signature-Type": string;
};

/**
 * §3.2: the Wechatpay-* headers for a body, signed over `timestamp\nnonce\nbody\n`. The
 * message is built by the verifier's own function, so the two sides cannot drift.
 */
export async function signAsWechatPay(
  signer: PlatformSigner,
  body: string | Buffer,
  now: number,
  nonce: string = createNonce(),
): Promise<SignedHeaderValues> {
  const timestamp = String(Math.floor(now / 1000));
  const message = buildVerificationMessage(timestamp, nonce, body);
  return {
    "Wechatpay-Timestamp": timestamp,
    "Wechatpay-Nonce": nonce,
    "Wechatpay-Signature": await signSha256WithRsa(message, signer.privateKey),
    "Wechatpay-Serial": signer.serial,
    "Wechatpay-Signature-Type": SIGNATURE_TYPE,
  };
}

export interface NotificationInput {
  eventType: string;
  /** `transaction` or `refund` (§4.1 original_type and associated_data). */
  originalType: "transaction" | "refund";
  resource: unknown;
  summary?: string;
  id?: string;
  /** 12-character resource nonce; random when omitted. */
  resourceNonce?: string;
}

/** §4.1: the JSON body of a notification, its resource encrypted with the APIv3 key. */
export function buildNotificationBody(apiV3Key: ApiV3Key, input: NotificationInput, now: number): string {
  const nonce = input.resourceNonce ?? createNonce().slice(0, 12);
  const associatedData = input.originalType;
  return JSON.stringify({
    id: input.id ?? randomUUID(),
    create_time: rfc3339Beijing(now),
    resource_type: "encrypt-resource",
    event_type: input.eventType,
    summary: input.summary ?? (input.originalType === "transaction" ? "支付成功" : "退款状态变更"),
    resource: {
      original_type: input.originalType,
      algorithm: "AEAD_AES_256_GCM",
      ciphertext: encryptAeadAes256Gcm(apiV3Key, {
        nonce,
        associatedData,
        plaintext: JSON.stringify(input.resource),
      }),
      associated_data: associatedData,
      nonce,
    },
  });
}

/** RFC 3339 in Beijing time (+08:00), the form WeChat Pay writes its times in (§1 "Dates"). */
export function rfc3339Beijing(epochMs: number): string {
  const shifted = new Date(Math.floor(epochMs / 1000) * 1000 + 8 * 3600 * 1000);
  return `${shifted.toISOString().slice(0, 19)}+08:00`;
}
