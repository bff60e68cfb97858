import type { KeyObject } from "node:crypto";
import { sign } from "node:crypto";
import { fenToYuan, requestSigningString, signedNotificationBody, yuanToFen } from "@kassa/alipay";
import type { FaultKindDefinition, FaultRule } from "../faults.ts";

/**
 * What can go wrong with an Alipay notification (reference A.8 item 5), as kinds of the shared
 * fault registry. Rules name the target `notify.alipay.trade` (or `*`), and optionally the
 * appId (in `mchid`), `outTradeNo`, `times` and `probability`. The WeChat kinds `notify_delay`
 * (once, when the notification is made), `notify_drop` and `notify_duplicate` (per attempt)
 * act on Alipay notifications too; the kinds below act per attempt. Each tests one of the
 * merchant's A.4 checks: a signature that fails, or a valid one over the wrong app, seller
 * or amount.
 */

export const ALIPAY_NOTIFY_TARGET = "notify.alipay.trade";

export const ALIPAY_NOTIFICATION_FAULT_KINDS: Record<string, FaultKindDefinition> = {
  alipay_notify_bad_signature: {
    scope: "notification",
    description: "change total_amount after signing: the sign no longer verifies (tampered in transit)",
  },
  alipay_notify_sign_type_signed: {
    scope: "notification",
    description:
      "sign with sign_type in the signed string (A.4 wrinkle); a verifier that leaves it out fails",
  },
  alipay_notify_wrong_amount: {
    scope: "notification",
    description:
      "validly signed, but total_amount (and the paid amounts) 0.01 more than the trade's (A.4 check b)",
  },
  alipay_notify_wrong_app_id: {
    scope: "notification",
    description: "validly signed, but for another app_id (A.4 check d)",
  },
  alipay_notify_wrong_seller_id: {
    scope: "notification",
    description: "validly signed, but naming another seller_id (A.4 check c)",
  },
};

export const ALIPAY_CREATION_FAULTS = ["notify_delay"] as const;
export const ALIPAY_ATTEMPT_FAULTS = [
  "notify_drop",
  "notify_duplicate",
  ...Object.keys(ALIPAY_NOTIFICATION_FAULT_KINDS),
] as const;

const AMOUNT_FIELDS = ["total_amount", "receipt_amount", "invoice_amount", "buyer_pay_amount"];
const plusOneFen = (yuan: string) => fenToYuan(yuanToFen(yuan) + 1);

/** The form body of one attempt, signed with the app's Alipay key, as the fault (if any) bends it. */
export function attemptBody(fields: Record<string, string>, key: KeyObject, fault?: FaultRule): string {
  const bent = { ...fields };
  switch (fault?.fault) {
    case "alipay_notify_wrong_amount":
      for (const name of AMOUNT_FIELDS) if (bent[name]) bent[name] = plusOneFen(bent[name]);
      break;
    case "alipay_notify_wrong_app_id":
      bent.app_id = otherId(bent.app_id ?? "");
      bent.auth_app_id = bent.app_id;
      break;
    case "alipay_notify_wrong_seller_id":
      bent.seller_id = otherId(bent.seller_id ?? "");
      break;
    case "alipay_notify_sign_type_signed": {
      const signed = { ...bent, sign_type: "RSA2" };
      const signature = sign("sha256", Buffer.from(requestSigningString(signed), "utf8"), key).toString(
        "base64",
      );
      return new URLSearchParams({ ...signed, sign: signature }).toString();
    }
    case "alipay_notify_bad_signature": {
      const body = new URLSearchParams(signedNotificationBody(bent, key));
      body.set("total_amount", plusOneFen(bent.total_amount ?? "0.00"));
      return body.toString();
    }
  }
  return signedNotificationBody(bent, key);
}

/** The same length and prefix (2021…, 2088…), its last digit changed. */
function otherId(id: string): string {
  const last = Number(id.at(-1) ?? "0");
  return `${id.slice(0, -1)}${(last + 1) % 10}`;
}
